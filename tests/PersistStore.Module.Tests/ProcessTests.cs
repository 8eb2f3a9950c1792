using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using PersistStore.Module.Tests.Infrastructure;
using Xunit;

namespace PersistStore.Module.Tests;

/// <summary>Behaviour that needs whole processes: a fresh module load, the default store, many writers at once.</summary>
[Collection("Processes")]
public class ProcessTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task QuickstartRunsTwiceOnThePerUserDefaultStore()
    {
        var env = new Dictionary<string, string?> { ["XDG_DATA_HOME"] = _temp.Path };
        string script = Path.Combine(Repo.Root, "examples", "quickstart.ps1");
        for (int i = 0; i < 2; i++)
        {
            var result = await ChildProcess.HostScriptAsync(script, env);
            Assert.True(result.ExitCode == 0 && result.Stderr.Length == 0, result.ToString());
            Assert.Contains("quickstart-nightly", result.Stdout);
            Assert.Contains("Modified (UTC)", result.Stdout);
            Assert.All(result.Stdout.Split('\n'), line => Assert.True(line.TrimEnd().Length <= 120, $"line longer than 120 columns: {line}"));
        }
        Assert.True(File.Exists(Path.Combine(_temp.Path, "persiststore", "default.pstore")));
    }

    [Fact]
    public async Task StoreResolutionOrderIsParameterThenSessionThenEnvironmentThenUserDefault()
    {
        string env = _temp.File("env.pstore"), session = _temp.File("session.pstore"), param = _temp.File("param.pstore");
        string script = $@"
            $g = {{ $i = Get-PersistStore @args; '{{0}}|{{1}}' -f $i.Source, $i.Location }}
            & $g
            $env:PERSISTSTORE_STORE = '{env}'; New-Run e | Out-Null; & $g
            Connect-PersistStore '{session}'; & $g
            New-Run p -Store '{param}' | Out-Null; & $g -Store '{param}'
            Disconnect-PersistStore; & $g";
        var result = await ChildProcess.HostCommandAsync(script, new Dictionary<string, string?> { ["XDG_DATA_HOME"] = _temp.Path });
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(new[]
        {
            $"UserDefault|{Path.Combine(_temp.Path, "persiststore", "default.pstore")}",
            $"Environment|{env}",
            $"SessionDefault|{session}",
            $"Parameter|{param}",
            $"Environment|{env}",
        }, result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public void AnotherSqliteVersionLoadedFirstBreaksNothing()
    {
        var result = ChildProcess.Tool("isolation", Repo.ModuleFolder, _temp.File("iso.pstore"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("preloaded Microsoft.Data.Sqlite 8.0.34.0", result.Stdout);
        Assert.Contains("tags: a,b", result.Stdout);
        Assert.Contains("loaded Microsoft.Data.Sqlite 10.0.15.0 in CoreLoadContext", result.Stdout);
    }

    [Fact]
    public async Task FiftyConcurrentProcessesLoseNoTagAndNoHistoryEntry()
    {
        const int processes = 50;
        string store = _temp.File("concurrent.pstore");
        string setup = $"New-Run shared -Store '{store}' | Out-Null; 0..{processes - 1} | ForEach-Object {{ New-Run \"own-$_\" -Store '{store}' | Out-Null }}";
        var prepared = await ChildProcess.HostCommandAsync(setup);
        Assert.True(prepared.ExitCode == 0, prepared.ToString());

        var writers = Enumerable.Range(0, processes).Select(i => ChildProcess.HostCommandAsync(
            $"Set-RunTag shared -Tag t{i} -Append -Store '{store}'; Set-RunTag own-{i} -Tag mine-{i} -Store '{store}'")).ToList();
        foreach (var result in await Task.WhenAll(writers)) Assert.True(result.ExitCode == 0, result.ToString());

        string check = $@"
            (Get-Run shared -Store '{store}').Tags.Count
            @(Get-Run own-* -Store '{store}' | Where-Object {{ $_.Tags.Count -eq 1 -and $_.Tags[0] -eq ('mine-' + $_.Name.Substring(4)) }}).Count
            $h = @(Get-RunHistory -Store '{store}')
            $h.Count
            @($h | Where-Object Operation -eq SetTags).Count
            $broken = 0; for ($i = 1; $i -lt $h.Count; $i++) {{ if ($h[$i].PreviousHash -ne $h[$i - 1].Hash -or $h[$i].Id -ne $h[$i - 1].Id + 1) {{ $broken++ }} }}; $broken";
        var verified = await ChildProcess.HostCommandAsync(check);
        Assert.True(verified.ExitCode == 0, verified.ToString());
        Assert.Equal(new[] { "50", "50", $"{1 + 1 + processes + 2 * processes}", $"{2 * processes}", "0" },
            verified.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
