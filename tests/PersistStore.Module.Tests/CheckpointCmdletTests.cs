using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using PersistStore.Module.Tests.Infrastructure;
using PersistStore.Tests.Shared;
using Xunit;

namespace PersistStore.Module.Tests;

[Collection("Module")]
public class CheckpointCmdletTests : IDisposable
{
    private readonly ModuleFixture _ps;
    private readonly TempFolder _temp = new();
    private readonly string _work;

    public CheckpointCmdletTests(ModuleFixture ps)
    {
        _ps = ps;
        _work = Directory.CreateDirectory(_temp.File("work")).FullName;
        TestFiles.Sample(_work);
        Run("New-Run job -Path $work -Tag nightly -Properties @{ p = 1 } -Store $s").Succeeded();
    }

    public void Dispose() => _temp.Dispose();

    private string Store => _temp.File("cp.pstore");

    private PsResult Run(string script) => _ps.Run(script, new { s = Store, work = _work, out_ = _temp.File("export") });

    [Fact]
    public void CheckpointExportAndCompareRoundTrip()
    {
        var expected = DirectoryImage.Capture(_work);
        var c = Run("New-Checkpoint job -Message first -Store $s").Succeeded().Output.Single();
        Assert.Equal("PersistStore.Checkpoint", c.BaseObject.GetType().FullName);
        Assert.Equal(1, c.Get("Number"));
        Assert.Equal("first", c.Get("Message"));
        Assert.Equal(7L, c.Get("Files"));
        Assert.Equal(new[] { "nightly" }, c.Strings("Tags"));
        var exported = Run("Get-Checkpoint job -Latest -Store $s | Export-Checkpoint -Destination $out_").Succeeded().Output.Single();
        Assert.Equal(_temp.File("export"), ((DirectoryInfo)exported.BaseObject).FullName);
        Assert.Equal(expected, DirectoryImage.Capture(_temp.File("export")));
        Assert.Empty(Run("Compare-Checkpoint job -Reference 1 -Store $s").Succeeded().Output);

        File.AppendAllText(Path.Combine(_work, "readme.txt"), "more");
        File.Delete(Path.Combine(_work, "empty.bin"));
        var changes = Run("Compare-Checkpoint job 1 -Store $s").Succeeded().Output;
        Assert.Equal(new[] { "Modified readme.txt", "Removed empty.bin" }, changes.Select(o => $"{o.Get("Change")} {o.Get("Path")}").OrderBy(x => x, StringComparer.Ordinal));
        Run("New-Checkpoint job -Store $s").Succeeded();
        Assert.Equal(2, Run("Compare-Checkpoint job -Reference 1 -Difference 2 -Store $s").Succeeded().Output.Count);

        var info = Run("Get-PersistStore -Store $s").Succeeded().Output.Single();
        Assert.Equal(2L, info.Get("Checkpoints"));
        Assert.True((long)info.Get("StoredBytes")! > 0 && (long)info.Get("LogicalBytes")! > (long)info.Get("StoredBytes")!);
        Assert.True((double)info.Get("DedupRatio")! > 1.0);
    }

    [Fact]
    public void RevertWhatIfListsThePlanAndChangesNothingThenRevertRestoresEverything()
    {
        var original = DirectoryImage.Capture(_work, withDirectoryTimes: false);
        Run("New-Checkpoint job -Store $s").Succeeded();
        File.WriteAllText(Path.Combine(_work, "readme.txt"), "broken");
        File.WriteAllText(Path.Combine(_work, "stray.tmp"), "x");
        Run("Set-Run job -Properties @{ p = 2 } -Store $s; Set-RunTag job changed -Store $s").Succeeded();
        var mutated = DirectoryImage.Capture(_work, withDirectoryTimes: false);
        long history = (long)Run("(Get-PersistStore -Store $s).HistoryEntries").Succeeded().Single()!;

        var whatIf = Run("Invoke-RunRevert job -WhatIf -Store $s").Succeeded();
        Assert.Empty(whatIf.Output);
        Assert.Equal(mutated, DirectoryImage.Capture(_work, withDirectoryTimes: false));
        Assert.Equal(history, (long)Run("(Get-PersistStore -Store $s).HistoryEntries").Succeeded().Single()!);
        Assert.Single(Run("Get-Checkpoint job -Store $s").Succeeded().Output);

        var result = Run("Get-Checkpoint job -Latest -Store $s | Invoke-RunRevert -Confirm:$false").Succeeded().Output.Single();
        Assert.Equal(1, result.Get("Checkpoint"));
        Assert.Equal(2, result.Get("SafetyCheckpoint"));
        Assert.Equal(2, result.Get("ChangedPaths"));
        Assert.Equal(original, DirectoryImage.Capture(_work, withDirectoryTimes: false));
        var run = Run("Get-Run job -Store $s").Succeeded().Output.Single();
        Assert.Equal(1L, ((System.Collections.Hashtable)run.Get("Properties")!)["p"]);
        Assert.Equal(new[] { "changed" }, run.Strings("Tags"));

        Run("Invoke-RunRevert job -Checkpoint 2 -IncludeTags -Confirm:$false -Store $s").Succeeded();
        Assert.Equal(mutated, DirectoryImage.Capture(_work, withDirectoryTimes: false));
        Assert.Equal(new[] { "nightly", "changed" }.Last(), Run("Get-Run job -Store $s").Succeeded().Output.Single().Strings("Tags").Last());
        Assert.Contains("RevertRun", Run("Get-RunHistory job -Operation RevertRun -Store $s").Succeeded().Output.Select(h => (string)h.Get("Operation")!));
    }

    [Fact]
    public void BadCheckpointInputIsAClearErrorAndWritesNothing()
    {
        Run("New-Checkpoint job -Store $s").Succeeded();
        var missing = Run("Get-Checkpoint job 9 -Store $s").SingleError();
        Assert.StartsWith("CheckpointNotFound,", missing.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, missing.CategoryInfo.Category);
        Assert.Contains("Get-Checkpoint -Run job", missing.Exception.Message);

        Directory.CreateDirectory(_temp.File("export"));
        File.WriteAllText(Path.Combine(_temp.File("export"), "mine.txt"), "keep");
        var busy = Run("Export-Checkpoint job -Destination $out_ -Store $s").SingleError();
        Assert.StartsWith("DestinationNotEmpty,", busy.FullyQualifiedErrorId);
        Assert.Single(Directory.GetFileSystemEntries(_temp.File("export")));

        Run("New-Run pathless -Store $s").Succeeded();
        Assert.StartsWith("RunHasNoPath,", Run("New-Checkpoint pathless -Store $s").SingleError().FullyQualifiedErrorId);
        Directory.Delete(_work, recursive: true);
        Assert.StartsWith("RunPathNotFound,", Run("New-Checkpoint job -Store $s").SingleError().FullyQualifiedErrorId);
        Assert.Single(Run("Get-Checkpoint job -Store $s").Succeeded().Output);
    }

    [Fact]
    public void CtrlCStopsACheckpointAndLeavesNoPartialCheckpoint()
    {
        for (int i = 0; i < 12; i++) TestFiles.Write(Path.Combine(_work, "big", $"blob{i}.bin"), TestFiles.RandomBytes(16 << 20, 100 + i));
        var before = DirectoryImage.Capture(_work);
        using var ps = PowerShell.Create();
        ps.RunspacePool = _ps.Pool;
        ps.AddScript("param($s) New-Checkpoint job -Store $s").AddParameter("s", Store);
        var running = ps.BeginInvoke();
        // Stop it once it writes chunks (a pack in progress): a fixed sleep raced the checkpoint (192 MiB in 0.31 s).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        bool Writing() => Directory.Exists(Path.Combine(Store, "packs")) && Directory.GetFiles(Path.Combine(Store, "packs"), "*.partial").Length > 0;
        while (!Writing() && !running.IsCompleted && DateTime.UtcNow < deadline) System.Threading.Thread.Sleep(1);
        Assert.False(running.IsCompleted, "the checkpoint finished before it could be stopped: make the data larger");
        ps.Stop();   // what Ctrl+C does: StopProcessing, then the pipeline ends
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        Assert.Equal(before, DirectoryImage.Capture(_work));   // reading never changes the run's files

        Assert.Empty(Run("Get-Checkpoint job -Store $s").Succeeded().Output);
        Assert.Empty(Run("Get-RunHistory job -Operation CreateCheckpoint -Store $s").Succeeded().Output);
        Assert.Empty(Run("Get-RunLock -Store $s").Succeeded().Output);   // the checkpoint's implicit lock went with it
        var c = Run("New-Checkpoint job -Store $s").Succeeded().Output.Single();
        Assert.Equal(1, c.Get("Number"));
    }

    [Fact]
    public void CtrlCStopsARevertAndRunningItAgainCompletesIt()
    {
        for (int i = 0; i < 12; i++) TestFiles.Write(Path.Combine(_work, "big", $"blob{i}.bin"), TestFiles.RandomBytes(16 << 20, 200 + i));
        Run("New-Checkpoint job -Store $s").Succeeded();
        var checkpointed = DirectoryImage.Capture(_work);
        Directory.Delete(Path.Combine(_work, "big"), recursive: true);
        var deleted = DirectoryImage.Capture(_work);

        using var ps = PowerShell.Create();
        ps.RunspacePool = _ps.Pool;
        ps.AddScript("param($s) Invoke-RunRevert job -Checkpoint 1 -Confirm:$false -Store $s").AddParameter("s", Store);
        var running = ps.BeginInvoke();
        // The revert stages every file it will write before it changes the folder: stop it while it stages.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        bool Staging() => Directory.GetDirectories(_work, ".persiststore-stage-*.tmp").Any(d => Directory.GetFiles(d).Length > 0);
        while (!Staging() && DateTime.UtcNow < deadline) System.Threading.Thread.Sleep(5);
        Assert.False(running.IsCompleted, "the revert finished before it could be stopped: make the data larger");
        ps.Stop();
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        Assert.Equal(deleted, DirectoryImage.Capture(_work));   // stopped while staging: the folder as it was, no stage left
        Assert.Empty(Run("Get-RunLock -Store $s").Succeeded().Output);
        Assert.Empty(Run("Get-RunHistory job -Operation RevertRun -Store $s").Succeeded().Output);

        var again = Run("Invoke-RunRevert job -Checkpoint 1 -Confirm:$false -Store $s").Succeeded().Output.Single();
        Assert.Equal(checkpointed, DirectoryImage.Capture(_work));
        Assert.Equal(1, again.Get("Checkpoint"));
        Assert.Single(Run("Get-RunHistory job -Operation RevertRun -Store $s").Succeeded().Output);
    }
}
