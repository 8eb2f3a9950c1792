using System;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using PersistStore.Module.Tests.Infrastructure;
using Xunit;

namespace PersistStore.Module.Tests;

[Collection("Module")]
public class CompletionTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly Runspace _runspace;

    private readonly ModuleFixture _ps;

    public CompletionTests(ModuleFixture ps)
    {
        _ps = ps;
        ps.Run("param($s) New-Run nightly-backup -Tag nightly, backup -Store $s; New-Run nightly-etl -Tag 'needs review' -Store $s; New-Run adhoc -Store $s",
            new { s = Store }).Succeeded();
        var iss = InitialSessionState.CreateDefault2();
        iss.ImportPSModule(new[] { Repo.Manifest });
        _runspace = RunspaceFactory.CreateRunspace(iss);
        _runspace.Open();
    }

    private string Store => _temp.File("complete.pstore");

    public void Dispose()
    {
        _runspace.Dispose();
        _temp.Dispose();
    }

    private string[] Complete(string input)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        var completion = CommandCompletion.CompleteInput(input, input.Length, null, ps);
        return completion.CompletionMatches.Select(m => m.CompletionText).ToArray();
    }

    [Fact]
    public void RunNamesCompleteFromTheStoreOnTheCommandLine() =>
        Assert.Equal(new[] { "nightly-backup", "nightly-etl" }, Complete($"Set-RunTag -Store '{Store}' -Run NIGHT"));

    [Fact]
    public void RunNamesCompleteFromTheSessionStore()
    {
        using (var ps = PowerShell.Create())
        {
            ps.Runspace = _runspace;
            ps.AddCommand("Connect-PersistStore").AddParameter("Path", Store).Invoke();
        }
        Assert.Equal(new[] { "adhoc" }, Complete("Get-Run -Name a"));
        Assert.Equal(new[] { "adhoc", "nightly-backup", "nightly-etl" }, Complete("Remove-Run "));
    }

    [Fact]
    public void TagsCompleteAndAreQuotedWhenNeeded() =>
        Assert.Equal(new[] { "'needs review'", "nightly" }, Complete($"Get-Run -Store '{Store}' -Tag n"));

    [Fact]
    public void OperationsComplete() =>
        Assert.Equal(new[] { "SetTags" }, Complete($"Get-RunHistory -Store '{Store}' -Operation SetT"));

    [Fact]
    public void CheckpointNumbersCompleteNewestFirst()
    {
        string work = System.IO.Directory.CreateDirectory(_temp.File("work")).FullName;
        System.IO.File.WriteAllText(System.IO.Path.Combine(work, "a.txt"), "a");
        _ps.Run("param($s, $w) Set-Run adhoc -Path $w -Store $s; New-Checkpoint adhoc -Store $s; New-Checkpoint adhoc -Store $s",
            new { s = Store, w = work }).Succeeded();
        Assert.Equal(new[] { "2", "1" }, Complete($"Export-Checkpoint -Store '{Store}' -Run adhoc -Checkpoint "));
    }

    [Fact]
    public void AMissingStoreCompletesNothingAndCreatesNothing()
    {
        string missing = _temp.File("missing.pstore");
        Assert.Empty(Complete($"Get-Run -Store '{missing}' -Name n"));
        Assert.False(System.IO.File.Exists(missing));
    }
}
