using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Locking;
using PersistStore.Engine.Model;
using PersistStore.Engine.Retry;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Storage;
using Xunit;

namespace PersistStore.Engine.Tests;

/// <summary>
/// Locks between owners of one process (each LockSession is an owner, as each runspace is). Holders that are
/// gone or hung are hand-crafted rows here; the cross-process cases (kill -9, SIGSTOP) are in the module tests.
/// </summary>
[Trait("Backends", "Both")]
public class LockTests : IDisposable
{
    private readonly TestStore _store = new();
    private readonly IStoreBackend _backend;
    private readonly LockSession _alice = new(LockOwner.NewSession());
    private readonly LockSession _bob = new(LockOwner.NewSession());
    private static readonly RunRef Job = RunRef.Parse("job");

    public LockTests()
    {
        _backend = _store.Open();
        new RunService(_backend).Create(new NewRunRequest { Name = "job" });
    }

    public void Dispose()
    {
        _alice.Dispose();
        _bob.Dispose();
        _store.Dispose();
    }

    private LockService Locks(LockSession session, RetryPolicy? retry = null) => new(_backend, new Caller(session, retry));
    private RunService Runs(LockSession session, RetryPolicy? retry = null) => new(_backend, new Caller(session, retry));
    private RunLock? Row() => _backend.Read(r => r.FindLock(r.FindRunByName("job")!.Id));
    private IReadOnlyList<HistoryRecord> History(string operation) =>
        _backend.Read(r => r.QueryHistory(new HistoryFilter())).Where(h => h.Operation == operation).ToList();
    private static Dictionary<string, object?> Props(string name, object value) => new() { [name] = value };

    [Fact]
    public void TheHolderChangesTheRunAndAnotherOwnerFailsAtOnceWithTimeoutZero()
    {
        var held = Locks(_alice).Enter(Job, TimeSpan.FromSeconds(30), "nightly");
        Runs(_alice).Update(Job, new RunChanges { Properties = Props("n", 1) });

        var e = Assert.Throws<RunLockedException>(() => Runs(_bob, RetryPolicy.ForTimeout(TimeSpan.Zero)).Update(Job, new RunChanges { Properties = Props("n", 2) }));
        Assert.Equal("RunLocked", e.ErrorId);
        Assert.Equal(ErrorKind.ResourceBusy, e.Kind);
        Assert.Equal("job", e.Target);
        Assert.Equal(1, e.Attempts);   // one attempt and no pause: how fast that is, is measured in LockBenchmarks
        Assert.Equal(held.LockId, e.Holder.LockId);
        Assert.Contains($"{Environment.UserName}@{Environment.MachineName} (pid {Environment.ProcessId})", e.Message);
        Assert.Contains("reason 'nightly'", e.Message);
        Assert.Contains("Gave up after 1 attempt over", e.Message);
        Assert.Contains("Unlock-Run -Run 'job'", e.Message);
        Assert.Equal(1L, Runs(_bob).Get(Job).Properties["n"]);
    }

    [Fact]
    public void ABudgetOfThreeAttemptsMakesThreeAttemptsAndReportsTheWait()
    {
        Locks(_alice).Enter(Job, null, null);
        var budget = new RetryPolicy { MaxAttempts = 3, MaxWait = TimeSpan.FromSeconds(30), InitialDelay = TimeSpan.FromMilliseconds(50), Jitter = 0 };
        var e = Assert.Throws<RunLockedException>(() => Runs(_bob, budget).SetTags(Job, new[] { "x" }, append: false));
        Assert.Equal(3, e.Attempts);
        // Two pauses without jitter, 50 ms then 100 ms, so it waited at least that (how long a wait takes is not asserted).
        Assert.True(e.Waited >= TimeSpan.FromMilliseconds(150), $"waited {e.Waited}");
        Assert.Contains("Gave up after 3 attempts over ", e.Message);
        Assert.Empty(Runs(_bob).Get(Job).Tags);
    }

    [Fact]
    public async Task AWaiterGetsTheLockWhenTheHolderExits()
    {
        Locks(_alice).Enter(Job, null, null);
        var waiter = Task.Run(() => Locks(_bob, RetryPolicy.ForTimeout(TimeSpan.FromSeconds(30))).Enter(Job, null, "next"));
        Thread.Sleep(300);
        Assert.False(waiter.IsCompleted);
        Locks(_alice).Exit(Job);
        var taken = await waiter;
        Assert.Equal(taken.LockId, Row()!.LockId);
        Assert.Equal("next", Row()!.Reason);
        Assert.True(Row()!.IsHeldBy(_bob.Owner));
        Assert.Empty(History(Operations.TakeOverLock));   // a clean handoff is no takeover
    }

    [Fact]
    public void AnExpiredLeaseIsTakenOverAndTheTakeoverIsLogged()
    {
        var hung = HandCrafted(Environment.ProcessId, Actor.Current.ProcessStartUtc, expires: DateTime.UtcNow.AddSeconds(-1));
        var state = Locks(_bob).List(Job).Single();
        Assert.StartsWith("its lease expired at", state.StaleReason);

        var taken = Locks(_bob, RetryPolicy.ForTimeout(TimeSpan.Zero)).Enter(Job, null, null);
        Assert.NotEqual(hung.LockId, taken.LockId);
        var takeover = Assert.Single(History(Operations.TakeOverLock));
        Assert.Contains("took over the lock of ghost@", takeover.Details);
        Assert.Contains("its lease expired", takeover.Details);
        Assert.Contains(hung.LockId.ToString("D"), takeover.Details);
    }

    [Fact]
    public void AGoneProcessOnThisHostIsStaleAtOnceAndAReusedPidIsNotMistakenForTheHolder()
    {
        using var exited = Process.Start(new ProcessStartInfo("true"))!;
        exited.WaitForExit();
        HandCrafted(exited.Id, DateTime.UtcNow.AddSeconds(-5), expires: DateTime.UtcNow.AddMinutes(10));
        Assert.Equal($"its process {exited.Id} on {Environment.MachineName} is gone", Locks(_bob).List(Job).Single().StaleReason);

        // Our own pid is alive, but with another start time it is another process that had this pid.
        HandCrafted(Environment.ProcessId, Actor.Current.ProcessStartUtc.AddMinutes(-30), expires: DateTime.UtcNow.AddMinutes(10));
        Assert.True(Locks(_bob).List(Job).Single().IsStale);

        // The same pid and start time: the holder lives, whatever session of it holds the lock.
        HandCrafted(Environment.ProcessId, Actor.Current.ProcessStartUtc, expires: DateTime.UtcNow.AddMinutes(10));
        Assert.False(Locks(_bob).List(Job).Single().IsStale);
        Assert.Throws<RunLockedException>(() => Runs(_bob, RetryPolicy.ForTimeout(TimeSpan.Zero)).Update(Job, new RunChanges { Description = "d" }));
    }

    [Fact]
    public void AHolderOnAnotherHostIsOnlyStaleWhenItsLeaseRunsOut()
    {
        using var exited = Process.Start(new ProcessStartInfo("true"))!;
        exited.WaitForExit();
        // That pid means nothing on another host: only the lease can tell that a remote holder is gone.
        HandCrafted(exited.Id, DateTime.UtcNow.AddSeconds(-5), expires: DateTime.UtcNow.AddMinutes(10), host: "other-host");
        Assert.False(Locks(_bob).List(Job).Single().IsStale);
        HandCrafted(exited.Id, DateTime.UtcNow.AddSeconds(-5), expires: DateTime.UtcNow.AddSeconds(-1), host: "other-host");
        Assert.StartsWith("its lease expired", Locks(_bob).List(Job).Single().StaleReason);
    }

    [Fact]
    public void AnImplicitMutationTakesOverAStaleLockInItsOwnTransaction()
    {
        HandCrafted(Environment.ProcessId, Actor.Current.ProcessStartUtc, expires: DateTime.UtcNow.AddSeconds(-1));
        Runs(_bob, RetryPolicy.ForTimeout(TimeSpan.Zero)).Update(Job, new RunChanges { Description = "after" });
        Assert.Null(Row());
        Assert.Single(History(Operations.TakeOverLock));
        Assert.Equal("after", Runs(_bob).Get(Job).Description);
    }

    [Fact]
    public void AHolderWhoseLockWasRemovedFailsItsNextMutationAndChangesNothing()
    {
        var mine = Locks(_alice).Enter(Job, null, null);
        var removed = Locks(_bob).Unlock(Job, force: true);
        Assert.False(removed.IsStale);
        Assert.Contains("forcibly removed the live lock", Assert.Single(History(Operations.UnlockRun)).Details);
        var taken = Locks(_bob).Enter(Job, null, "bob now");

        var e = Assert.Throws<LockLostException>(() => Runs(_alice).Update(Job, new RunChanges { Description = "stale write" }));
        Assert.Equal("LockLost", e.ErrorId);
        Assert.Equal(mine.LockId, e.Lost.LockId);
        Assert.Equal(taken.LockId, e.Current!.LockId);
        Assert.Null(Runs(_bob).Get(Job).Description);
        // Fenced once: the session no longer believes it holds the lock, so it now waits like anyone else.
        Assert.Throws<RunLockedException>(() => Runs(_alice, RetryPolicy.ForTimeout(TimeSpan.Zero)).Update(Job, new RunChanges { Description = "x" }));
    }

    [Fact]
    public void UnlockRefusesALiveLockWithoutForceAndChangesNothing()
    {
        Locks(_alice).Enter(Job, null, "busy");
        long before = _backend.Read(r => r.Summarize()).HistoryEntries;
        var e = Assert.Throws<PersistStoreException>(() => Locks(_bob).Unlock(Job, force: false));
        Assert.Equal("LockNotStale", e.ErrorId);
        Assert.Contains("Unlock-Run -Run 'job' -Force", e.Message);
        Assert.NotNull(Row());
        Assert.Equal(before, _backend.Read(r => r.Summarize()).HistoryEntries);

        var none = Assert.Throws<LockNotHeldException>(() => Locks(_bob).Exit(Job));
        Assert.Contains("not by this session", none.Message);
        Locks(_alice).Exit(Job);
        Assert.Equal("RunNotLocked", Assert.Throws<PersistStoreException>(() => Locks(_bob).Unlock(Job, force: false)).ErrorId);
    }

    [Fact]
    public void LeasesAreRenewedInTheBackgroundWhileTheSessionLives()
    {
        var taken = Locks(_alice).Enter(Job, TimeSpan.FromSeconds(2), null);
        Thread.Sleep(3500);   // beyond the lease: only renewals (every 0.67 s) keep it
        var row = Row()!;
        Assert.Equal(taken.LockId, row.LockId);
        Assert.True(row.ExpiresAt > DateTime.UtcNow, $"lease ran out at {row.ExpiresAt:O}");
        Assert.True(row.RenewedAt > taken.RenewedAt);
        Assert.Throws<RunLockedException>(() => Locks(_bob, RetryPolicy.ForTimeout(TimeSpan.Zero)).Enter(Job, null, null));

        _alice.Dispose();   // a closing runspace releases what it holds
        Assert.Null(Row());
    }

    [Fact]
    public void EnteringAgainKeepsTheFencingTokenAndRemovingTheRunForgetsTheLock()
    {
        var first = Locks(_alice).Enter(Job, TimeSpan.FromSeconds(10), "one");
        var again = Locks(_alice).Enter(Job, TimeSpan.FromSeconds(20), "two");
        Assert.Equal(first.LockId, again.LockId);
        Assert.Equal(TimeSpan.FromSeconds(20), Row()!.Lease);
        Assert.Equal("two", Row()!.Reason);

        Assert.Throws<RunLockedException>(() => Runs(_bob, RetryPolicy.ForTimeout(TimeSpan.Zero)).Remove(Job));
        Runs(_alice).Remove(Job);
        Assert.Empty(_alice.HeldLocks(_backend));
        Assert.Empty(_backend.Read(r => r.ListLocks()));
    }

    [Fact]
    public void AnImplicitHoldKeepsOthersOutUntilReleasedAndNestsInsideTheSessionsOwnLock()
    {
        using (Locks(_alice).Hold(Job, "long work"))
        {
            Assert.True(Row()!.IsImplicit);
            Assert.Equal("long work", Row()!.Reason);
            Assert.Throws<RunLockedException>(() => Runs(_bob, RetryPolicy.ForTimeout(TimeSpan.Zero)).Update(Job, new RunChanges { Description = "x" }));
            Runs(_alice).Update(Job, new RunChanges { Description = "mine" });
        }
        Assert.Null(Row());

        var explicitLock = Locks(_alice).Enter(Job, null, null);
        using (Locks(_alice).Hold(Job, "nested")) Assert.Equal(explicitLock.LockId, Row()!.LockId);
        Assert.Equal(explicitLock.LockId, Row()!.LockId);   // the session's own lock outlives the nested hold
    }

    [Fact]
    public void ALeaseShorterThanASecondIsRefused()
    {
        var e = Assert.Throws<PersistStoreException>(() => Locks(_alice).Enter(Job, TimeSpan.FromMilliseconds(200), null));
        Assert.Equal("InvalidLease", e.ErrorId);
        Assert.Null(Row());
    }

    [Theory]
    [InlineData(-1, 1, 10, 1000, 0.5, "MaxAttempts")]
    [InlineData(0, -1, 10, 1000, 0.5, "MaxWait")]
    [InlineData(0, 1, 0, 1000, 0.5, "InitialDelay")]
    [InlineData(0, 1, 100, 50, 0.5, "MaxDelay")]
    [InlineData(0, 1, 10, 1000, 1.5, "Jitter")]
    public void AnInvalidBudgetIsRefusedNamingTheSetting(int attempts, double waitSeconds, double initialMs, double maxMs, double jitter, string setting)
    {
        var policy = new RetryPolicy
        {
            MaxAttempts = attempts, MaxWait = TimeSpan.FromSeconds(waitSeconds), InitialDelay = TimeSpan.FromMilliseconds(initialMs),
            MaxDelay = TimeSpan.FromMilliseconds(maxMs), Jitter = jitter,
        };
        var e = Assert.Throws<PersistStoreException>(() => policy.Validated());
        Assert.Equal("InvalidRetryBudget", e.ErrorId);
        Assert.Contains($"retry budget's {setting}", e.Message);
    }

    [Fact]
    public void BackoffDoublesUpToTheCapAndJitterOnlyShortensIt()
    {
        var policy = new RetryPolicy { InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(100), Jitter = 0 };
        var random = new Random(1);
        Assert.Equal(new[] { 10.0, 20, 40, 80, 100, 100 }, Enumerable.Range(1, 6).Select(a => policy.DelayAfter(a, random).TotalMilliseconds));
        policy.Jitter = 0.5;
        Assert.All(Enumerable.Range(0, 200), _ => Assert.InRange(policy.DelayAfter(4, random).TotalMilliseconds, 40, 80));
    }

    private RunLock HandCrafted(int pid, DateTime processStart, DateTime expires, string? host = null)
    {
        var runId = _backend.Read(r => r.FindRunByName("job")!.Id);
        var row = new RunLock
        {
            RunId = runId, RunName = "job", LockId = Guid.NewGuid(), SessionToken = Guid.NewGuid(), User = "ghost", Host = host ?? Environment.MachineName,
            ProcessId = pid, ProcessStartUtc = processStart, AcquiredAt = DateTime.UtcNow.AddMinutes(-1), RenewedAt = DateTime.UtcNow.AddMinutes(-1),
            ExpiresAt = expires, Lease = TimeSpan.FromSeconds(30),
        };
        _backend.Write(w => { w.PutLock(row); return 0; });
        return row;
    }
}
