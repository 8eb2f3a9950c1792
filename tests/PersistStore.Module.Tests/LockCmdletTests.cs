using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using PersistStore.Module.Tests.Infrastructure;
using PersistStore.Tests.Shared;
using Xunit;

namespace PersistStore.Module.Tests;

/// <summary>Lock cmdlets and Invoke-RunTransaction inside one process: each runspace is its own lock owner.</summary>
[Collection("Module")]
public class LockCmdletTests : IDisposable
{
    private readonly ModuleFixture _ps;
    private readonly TempFolder _temp = new();
    private readonly string _work;

    public LockCmdletTests(ModuleFixture ps)
    {
        _ps = ps;
        _work = Directory.CreateDirectory(_temp.File("work")).FullName;
        TestFiles.Sample(_work);
        Run("New-Run job -Path $work -Tag nightly -Properties @{ p = 1 } -Description start -Store $s").Succeeded();
    }

    public void Dispose() => _temp.Dispose();

    private string Store => _temp.File("locks.pstore");

    private PsResult Run(string script) => _ps.Run(script, new { s = Store, work = _work });

    private long HistoryCount => (long)Run("(Get-PersistStore -Store $s).HistoryEntries").Succeeded().Single()!;

    /// <summary>A runspace of its own: another lock owner in this process, closed by the test.</summary>
    private static Runspace OwnRunspace()
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.ImportPSModule(new[] { Repo.Manifest });
        var runspace = RunspaceFactory.CreateRunspace(iss);
        runspace.Open();
        return runspace;
    }

    private PSObject[] RunIn(Runspace runspace, string script)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript(script).AddParameter("s", Store);
        var output = ps.Invoke().ToArray();
        Assert.False(ps.HadErrors, string.Join("\n", ps.Streams.Error));
        return output;
    }

    [Fact]
    public void AThrowingBlockLeavesFilesPropertiesAndTagsExactlyAsBeforeAndReleasesTheLock()
    {
        var before = DirectoryImage.Capture(_work);
        var result = Run(@"
            Invoke-RunTransaction job -Store $s {
                [IO.File]::WriteAllText([IO.Path]::Combine($work, 'readme.txt'), 'changed inside')
                [IO.File]::WriteAllText([IO.Path]::Combine($work, 'new.txt'), 'added inside')
                [IO.File]::Delete([IO.Path]::Combine($work, 'data', 'log.txt'))
                Set-Run job -Properties @{ p = 2; q = 'x' } -Description inside -Store $s
                Set-RunTag job -Tag broken -Store $s
                throw 'block failed'
            }");
        Assert.Equal("block failed", Assert.Single(result.AllErrors).Exception.Message);
        Assert.Equal(before, DirectoryImage.Capture(_work));
        var run = Run("Get-Run job -Store $s").Succeeded().Output.Single();
        Assert.Equal(new[] { "nightly" }, run.Strings("Tags"));
        Assert.Equal("start", run.Get("Description"));
        var properties = (System.Collections.Hashtable)run.Get("Properties")!;
        Assert.Equal(1L, properties["p"]);
        Assert.False(properties.ContainsKey("q"));
        Assert.Empty(Run("Get-RunLock -Store $s").Succeeded().Output);

        // The start and the failed state are both kept: nothing is ever lost.
        var checkpoints = Run("Get-Checkpoint job -Store $s").Succeeded().Output;
        Assert.Equal(new[] { "start of transaction", "before revert to checkpoint 1" }, checkpoints.Select(c => (string)c.Get("Message")!));
        Assert.Equal(new[] { "broken" }, checkpoints[1].Strings("Tags"));
        Assert.Single(Run("Get-RunHistory job -Operation RevertRun -Store $s").Succeeded().Output);
    }

    [Fact]
    public void ASuccessfulBlockWritesItsOutputAndCreatesACheckpointUnderTheLock()
    {
        var output = Run(@"
            Invoke-RunTransaction job -Message 'raised p' -PassThru -Store $s {
                Set-Run job -Properties @{ p = 2 } -Store $s
                (Get-RunLock job -Store $s).HeldByThisSession
            }").Succeeded().Output;
        Assert.Equal(true, output[0].BaseObject);
        Assert.Equal("raised p", output[1].Get("Message"));
        Assert.Equal(2, output[1].Get("Number"));
        Assert.Equal(2L, ((System.Collections.Hashtable)output[1].Get("Properties")!)["p"]);
        Assert.Empty(Run("Get-RunLock -Store $s").Succeeded().Output);

        // Nothing changed since: the start of the next transaction reuses that checkpoint instead of a duplicate.
        Run("Invoke-RunTransaction job -Store $s { 'nothing' } | Out-Null").Succeeded();
        Assert.Equal(new[] { 1, 2, 3 }, Run("Get-Checkpoint job -Store $s").Succeeded().Output.Select(c => (int)c.Get("Number")!));
    }

    [Fact]
    public void ARunWithoutADirectoryIsRolledBackFromItsRecordAndCheckpointsNothing()
    {
        Run("New-Run plain -Properties @{ v = 1 } -Tag a -Store $s").Succeeded();
        var failed = Run("Invoke-RunTransaction plain -Store $s { Set-RunTag plain -Tag b -Store $s; Set-Run plain -Properties @{ v = 2 } -Store $s; throw 'no' }");
        Assert.Equal("no", Assert.Single(failed.AllErrors).Exception.Message);
        var run = Run("Get-Run plain -Store $s").Succeeded().Output.Single();
        Assert.Equal(new[] { "a" }, run.Strings("Tags"));
        Assert.Equal(1L, ((System.Collections.Hashtable)run.Get("Properties")!)["v"]);
        Assert.Single(Run("Get-RunHistory plain -Operation RollbackRun -Store $s").Succeeded().Output);
        Assert.Empty(Run("Get-Checkpoint plain -Store $s").Succeeded().Output);
    }

    [Fact]
    public void CtrlCInsideATransactionRollsBackAndLeavesNoLock()
    {
        var before = DirectoryImage.Capture(_work);
        using var ps = PowerShell.Create();
        ps.RunspacePool = _ps.Pool;
        ps.AddScript(@"param($s, $work)
            Invoke-RunTransaction job -Store $s {
                Set-Run job -Properties @{ p = 99 } -Store $s
                [IO.File]::WriteAllText([IO.Path]::Combine($work, 'readme.txt'), 'half done')
                while ($true) { [Threading.Thread]::Sleep(20) }
            }").AddParameter("s", Store).AddParameter("work", _work);
        var running = ps.BeginInvoke();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (File.ReadAllText(Path.Combine(_work, "readme.txt")) != "half done" && DateTime.UtcNow < deadline) System.Threading.Thread.Sleep(20);
        ps.Stop();
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        Assert.Equal(before, DirectoryImage.Capture(_work));
        Assert.Equal(1L, ((System.Collections.Hashtable)Run("Get-Run job -Store $s").Succeeded().Output.Single().Get("Properties")!)["p"]);
        Assert.Empty(Run("Get-RunLock -Store $s").Succeeded().Output);
    }

    [Fact]
    public void StoppingAWaitLeavesNoLockAndClosingARunspaceReleasesItsLocks()
    {
        using (var holder = OwnRunspace())
        {
            var held = RunIn(holder, "param($s) Enter-RunLock job -Reason 'other runspace' -Store $s").Single();
            using var ps = PowerShell.Create();
            ps.RunspacePool = _ps.Pool;
            ps.AddScript("param($s) Enter-RunLock job -Timeout 60 -Store $s").AddParameter("s", Store);
            var waiting = ps.BeginInvoke();
            System.Threading.Thread.Sleep(300);
            Assert.False(waiting.IsCompleted);
            ps.Stop();
            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
            var now = Run("Get-RunLock -Store $s").Succeeded().Output.Single();
            Assert.Equal(held.Get("LockId"), now.Get("LockId"));
            Assert.Equal("other runspace", now.Get("Reason"));
            holder.Close();
        }
        Assert.Empty(Run("Get-RunLock -Store $s").Succeeded().Output);
        Run("Connect-PersistStore -RetryBudget @{ MaxWait = 0 }; Set-Run job -Description free -Store $s").Succeeded();
    }

    [Fact]
    public void LockObjectsPipeIntoExitAndUnlockAndUnlockIsLogged()
    {
        var locked = Run("Enter-RunLock job -Reason maintenance -Lease 45 -Store $s").Succeeded().Output.Single();
        Assert.Equal("PersistStore.RunLock", locked.BaseObject.GetType().FullName);
        Assert.Equal(TimeSpan.FromSeconds(45), locked.Get("Lease"));
        Assert.Equal(Environment.ProcessId, locked.Get("ProcessId"));
        Assert.Equal($"{Environment.UserName}@{Environment.MachineName}", locked.Get("Owner"));
        // Another runspace of the pool is another owner: it may not exit the lock, only force it open.
        using var other = OwnRunspace();
        using var ps = PowerShell.Create();
        ps.Runspace = other;
        ps.AddScript("param($s) Get-RunLock -Store $s | Exit-RunLock").AddParameter("s", Store);
        ps.Invoke();
        Assert.Equal("LockNotHeld,PersistStore.Commands.ExitRunLockCommand", ps.Streams.Error.Single().FullyQualifiedErrorId);
        var removed = RunIn(other, "param($s) Get-RunLock -Store $s | Unlock-Run -Force -Confirm:$false -PassThru").Single();
        Assert.Equal("maintenance", removed.Get("Reason"));
        var logged = Run("Get-RunHistory job -Operation UnlockRun -Store $s").Succeeded().Output.Single();
        Assert.Contains("forcibly removed the live lock of", (string)logged.Get("Details")!);
        Assert.Empty(Run("Get-RunLock -Store $s").Succeeded().Output);
    }

    [Theory]
    [InlineData("Enter-RunLock job -Timeout 5 -RetryBudget @{ MaxWait = 1 } -Store $s", "TimeoutAndRetryBudget,PersistStore.Commands.EnterRunLockCommand", "not both")]
    [InlineData("Enter-RunLock job -Timeout -1 -Store $s", "InvalidTimeout,PersistStore.Commands.EnterRunLockCommand", "negative")]
    [InlineData("Enter-RunLock job -RetryBudget @{ MaxWiat = 1 } -Store $s", "CannotConvertArgumentNoMessage,PersistStore.Commands.EnterRunLockCommand", "'MaxWiat' is not a retry budget setting")]
    [InlineData("Enter-RunLock job -RetryBudget @{ Jitter = 2 } -Store $s", "CannotConvertArgumentNoMessage,PersistStore.Commands.EnterRunLockCommand", "Jitter is 2; it must be between 0 and 1")]
    [InlineData("Enter-RunLock job -Lease 0.5 -Store $s", "InvalidLease,PersistStore.Commands.EnterRunLockCommand", "at least 1 second")]
    [InlineData("Enter-RunLock nosuch -Store $s", "RunNotFound,PersistStore.Commands.EnterRunLockCommand", "No run named")]
    [InlineData("Exit-RunLock job -Store $s", "LockNotHeld,PersistStore.Commands.ExitRunLockCommand", "is not locked")]
    [InlineData("Unlock-Run job -Confirm:$false -Store $s", "RunNotLocked,PersistStore.Commands.UnlockRunCommand", "not locked")]
    [InlineData("Get-RunLock nosuch -Store $s", "RunNotFound,PersistStore.Commands.GetRunLockCommand", "No run named")]
    [InlineData("Invoke-RunTransaction nosuch { 'never runs' } -Store $s", "RunNotFound,PersistStore.Commands.InvokeRunTransactionCommand", "No run named")]
    public void BadInputGetsAClearErrorAndChangesNothing(string script, string errorId, string message)
    {
        long history = HistoryCount;
        var result = Run(script);
        var error = Assert.Single(result.AllErrors);
        Assert.Equal(errorId, error.FullyQualifiedErrorId);
        Assert.Contains(message, error.Exception.Message + error.Exception.InnerException?.Message + error.Exception.InnerException?.InnerException?.Message);
        Assert.Empty(result.Output);
        Assert.Equal(history, HistoryCount);
        Assert.Empty(Run("Get-RunLock -Store $s").Succeeded().Output);
        Assert.Empty(Run("Get-Checkpoint job -Store $s").Succeeded().Output);
    }
}
