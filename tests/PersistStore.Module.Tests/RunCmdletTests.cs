using System;
using System.Collections;
using System.IO;
using System.Linq;
using PersistStore.Module.Tests.Infrastructure;
using Xunit;

namespace PersistStore.Module.Tests;

[Collection("Module")]
public class RunCmdletTests : IDisposable
{
    private readonly ModuleFixture _ps;
    private readonly TempFolder _temp = new();

    public RunCmdletTests(ModuleFixture ps) => _ps = ps;

    public void Dispose() => _temp.Dispose();

    private string Store => _temp.File("runs.pstore");

    private PsResult Run(string script) => _ps.Run(script, new { s = Store, dir = _temp.Path });

    private long HistoryCount() => (long)Run("(Get-PersistStore -Store $s).HistoryEntries").Succeeded().Single()!;

    [Fact]
    public void NewRunReturnsTheRunWithTypedPropertiesAndNormalisedTags()
    {
        var run = Assert.Single(Run(@"New-Run -Name Nightly -Description 'd' -Path $dir -Tag nightly, DB, Nightly, db -Store $s `
                  -Properties @{ n = 3; f = 0.5; ok = $true; at = [datetime]::SpecifyKind([datetime]'2024-05-01T08:00:00', 'Utc'); who = 'ops' }").Succeeded().Output);
        Assert.Equal("PersistStore.Run", run.BaseObject.GetType().FullName);
        Assert.Equal(new[] { "nightly", "DB" }, run.Strings("Tags"));
        Assert.Equal(_temp.Path, run.Get("Path"));
        var props = (Hashtable)run.Get("Properties")!;
        Assert.Equal(3L, props["N"]);
        Assert.Equal(0.5, props["f"]);
        Assert.Equal(true, props["ok"]);
        Assert.Equal(new DateTime(2024, 5, 1, 8, 0, 0, DateTimeKind.Utc), props["at"]);
        Assert.Equal("ops", props["who"]);
        Assert.Equal(Store, run.Get("Store"));
        var read = Assert.Single(Run("Get-Run -Name NIGHTLY -Store $s").Succeeded().Output);
        Assert.Equal(run.Get("Id"), read.Get("Id"));
        Assert.Equal(3L, ((Hashtable)read.Get("Properties")!)["n"]);
    }

    [Fact]
    public void GetRunSelectsByWildcardIdAllTagsAndAnyTag()
    {
        Run("New-Run a-1 -Tag x, y -Store $s; New-Run a-2 -Tag x -Store $s; New-Run b-1 -Tag Y -Store $s").Succeeded();
        string[] Names(string filter) => Run("Get-Run -Store $s " + filter).Succeeded().Output.Select(o => (string)o.Get("Name")!).ToArray();
        Assert.Equal(new[] { "a-1", "a-2", "b-1" }, Names(""));
        Assert.Equal(new[] { "a-1", "a-2" }, Names("-Name a-*"));
        Assert.Equal(new[] { "a-1", "b-1" }, Names("-Name a-1, B-1"));
        Assert.Equal(new[] { "a-1" }, Names("-Tag x, y"));
        Assert.Equal(new[] { "a-1", "a-2", "b-1" }, Names("-AnyTag x, y"));
        Assert.Equal(new[] { "a-1", "a-2" }, Names("-Name a-* -Tag x -AnyTag missing, x"));
        string id = Run("(Get-Run b-1 -Store $s).Id.ToString()").Succeeded().Single()!.ToString()!;
        Assert.Equal(new[] { "b-1" }, Names($"-Id {id}"));
        Assert.Equal(new[] { "b-1" }, Run($"'{id}' | Set-RunTag -Tag z -PassThru -Store $s").Succeeded().Output.Select(o => (string)o.Get("Name")!));
    }

    [Fact]
    public void PipelineByPropertyNameAppendsTagsToEverySelectedRun()
    {
        Run("New-Run one -Tag nightly -Store $s; New-Run two -Tag nightly -Store $s; New-Run three -Store $s").Succeeded();
        Run("Connect-PersistStore -Path $s; Get-Run -Tag nightly | Set-RunTag -Tag reviewed -Append").Succeeded();
        var runs = Run("Get-Run -Store $s").Succeeded().Output;
        Assert.Equal(new[] { "nightly", "reviewed" }, runs.Single(r => (string)r.Get("Name")! == "one").Strings("Tags"));
        Assert.Equal(new[] { "nightly", "reviewed" }, runs.Single(r => (string)r.Get("Name")! == "two").Strings("Tags"));
        Assert.Empty(runs.Single(r => (string)r.Get("Name")! == "three").Strings("Tags"));
        // Objects with a RunName property bind by property name too.
        Run("Get-RunHistory -Run one -Last 1 -Store $s | Remove-RunTag -Tag nightly -Store $s").Succeeded();
        Assert.Equal(new[] { "reviewed" }, Run("Get-Run one -Store $s").Succeeded().Output.Single().Strings("Tags"));
    }

    [Fact]
    public void RunObjectsCarryTheirStoreThroughThePipeline()
    {
        string other = _temp.File("other.pstore");
        Run("New-Run shared -Store $s").Succeeded();
        _ps.Run("param($o) New-Run shared -Store $o", new { o = other }).Succeeded();
        _ps.Run("param($s, $o) Connect-PersistStore -Path $o; Get-Run -Store $s | Set-RunTag -Tag from-s", new { s = Store, o = other }).Succeeded();
        Assert.Equal(new[] { "from-s" }, Run("Get-Run shared -Store $s").Succeeded().Output.Single().Strings("Tags"));
        Assert.Empty(_ps.Run("param($o) Get-Run shared -Store $o", new { o = other }).Succeeded().Output.Single().Strings("Tags"));
    }

    [Fact]
    public void SetRunMergesRemovesAndReplacesPropertiesAndClearsFields()
    {
        Run("New-Run r -Description old -Path $dir -Properties @{ a = 1; b = 2 } -Store $s").Succeeded();
        var merged = Run("Set-Run r -Properties @{ b = 'two'; c = 3 } -PassThru -Store $s").Succeeded().Output.Single();
        Assert.Equal(new[] { "a", "b", "c" }, ((Hashtable)merged.Get("Properties")!).Keys.Cast<string>().OrderBy(k => k));
        var cleared = Run("Set-Run r -Description '' -ClearPath -RemoveProperty a -PassThru -Store $s").Succeeded().Output.Single();
        Assert.Null(cleared.Get("Description"));
        Assert.Null(cleared.Get("Path"));
        Assert.Equal(new[] { "b", "c" }, ((Hashtable)cleared.Get("Properties")!).Keys.Cast<string>().OrderBy(k => k));
        var replaced = Run("Set-Run r -Properties @{ z = $false } -ReplaceProperties -PassThru -Store $s").Succeeded().Output.Single();
        Assert.Equal(false, ((Hashtable)replaced.Get("Properties")!)["z"]);
        Assert.Single((Hashtable)replaced.Get("Properties")!);
        Assert.Empty(Run("Set-Run r -Description x -Store $s").Succeeded().Output);
    }

    [Fact]
    public void RemoveRunDeletesTheRunAndKeepsItsHistory()
    {
        Run("New-Run gone -Tag t -Store $s").Succeeded();
        var removed = Run("Remove-Run gone -Confirm:$false -PassThru -Store $s").Succeeded().Output.Single();
        Assert.Equal("gone", removed.Get("Name"));
        Assert.Empty(Run("Get-Run -Store $s").Succeeded().Output);
        var history = Run("Get-RunHistory -Run gone -Store $s").Succeeded().Output;
        Assert.Equal(new[] { "CreateRun", "RemoveRun" }, history.Select(h => (string)h.Get("Operation")!));
    }

    [Fact]
    public void HistoryRecordsEveryMutationOnceWithWhoWhereAndAChain()
    {
        Run("New-Run h -Store $s; Set-RunTag h a -Store $s; Set-RunTag h a -Store $s; Set-RunTag h b -Append -Store $s; Remove-RunTag h a -Store $s; Set-Run h -Properties @{ x = 1 } -Store $s").Succeeded();
        var all = Run("Get-RunHistory -Store $s").Succeeded().Output;
        Assert.Equal(new[] { "CreateStore", "CreateRun", "SetTags", "SetTags", "RemoveTags", "UpdateRun" }, all.Select(h => (string)h.Get("Operation")!));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), all.Select(h => (long)h.Get("Id")!));
        for (int i = 1; i < all.Count; i++) Assert.Equal(all[i - 1].Get("Hash"), all[i].Get("PreviousHash"));
        var last = all[^1];
        Assert.Equal(Environment.UserName, last.Get("User"));
        Assert.Equal(Environment.MachineName, last.Get("Host"));
        Assert.Equal(Environment.ProcessId, last.Get("ProcessId"));
        Assert.Equal("h", last.Get("RunName"));
        Assert.Equal("properties set [x]", last.Get("Details"));
        Assert.Equal(DateTimeKind.Utc, ((DateTime)last.Get("Time")!).Kind);
        Assert.Equal(new[] { "SetTags", "SetTags" }, Run("Get-RunHistory h -Operation settags -Store $s").Succeeded().Output.Select(h => (string)h.Get("Operation")!));
        Assert.Equal(new[] { 5L, 6L }, Run("Get-RunHistory -Last 2 -Store $s").Succeeded().Output.Select(h => (long)h.Get("Id")!));
        Assert.Empty(Run("Get-RunHistory -Since ([datetime]::UtcNow.AddMinutes(5)) -Store $s").Succeeded().Output);
    }

    [Fact]
    public void WhatIfChangesNothing()
    {
        Run("New-Run keep -Tag a -Properties @{ p = 1 } -Store $s").Succeeded();
        long before = HistoryCount();
        Run(@"New-Run other -Store $s -WhatIf; Set-Run keep -Description x -Store $s -WhatIf; Set-RunTag keep b -Store $s -WhatIf
              Remove-RunTag keep a -Store $s -WhatIf; Remove-Run keep -Store $s -WhatIf").Succeeded();
        Assert.Equal(before, HistoryCount());
        var keep = Run("Get-Run -Store $s").Succeeded().Output.Single();
        Assert.Equal(new[] { "a" }, keep.Strings("Tags"));
        Assert.Null(keep.Get("Description"));
        string fresh = _temp.File("never.pstore");
        _ps.Run("param($f) New-Run x -Store $f -WhatIf; Connect-PersistStore -Path $f -WhatIf", new { f = fresh }).Succeeded();
        Assert.False(File.Exists(fresh));
    }

    [Fact]
    public void GetPersistStoreReportsCountsAndWhereTheStoreCameFrom()
    {
        Run("New-Run a -Store $s; New-Run b -Store $s").Succeeded();
        var info = Run("Get-PersistStore -Store $s").Succeeded().Output.Single();
        Assert.Equal(Store, info.Get("Location"));
        Assert.Equal("SQLite", info.Get("Backend"));
        Assert.Equal(6, info.Get("FormatVersion"));
        Assert.Equal(2L, info.Get("Runs"));
        Assert.Equal(3L, info.Get("HistoryEntries"));
        Assert.Equal("Parameter", info.Get("Source"));
        var viaSession = Run("Connect-PersistStore $s; Get-PersistStore").Succeeded().Output.Single();
        Assert.Equal("SessionDefault", viaSession.Get("Source"));
        var viaObject = Run("$i = Get-PersistStore -Store $s; (Get-Run -Store $i).Count").Succeeded().Single();
        Assert.Equal(2, viaObject);
        Assert.Equal(Store, Run("Connect-PersistStore -ConnectionString \"Data Source=$s\" -PassThru").Succeeded().Single("Location"));
    }

    [Fact]
    public void VerboseNamesTheStoreAndDebugGivesTimings()
    {
        var result = _ps.Run("param($s) $VerbosePreference = 'Continue'; $DebugPreference = 'Continue'; New-Run v -Store $s -Verbose -Debug", new { s = Store }).Succeeded();
        Assert.Single(result.Output);
        Assert.Contains($"Store: {Store} (Parameter).", result.Verbose);
        Assert.Contains(result.Debug, d => d.StartsWith("New-Run v: ", StringComparison.Ordinal) && d.EndsWith(" ms", StringComparison.Ordinal));
    }
}
