using System;
using BenchmarkDotNet.Attributes;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Locking;
using PersistStore.Engine.Retry;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Storage;

namespace PersistStore.Benchmarks;

/// <summary>Uncontended lock cost on a real store file: what every Enter-RunLock / Exit-RunLock pair adds.</summary>
[MemoryDiagnoser]
public class LockBenchmarks
{
    private BenchStore _bench = null!;
    private IStoreBackend _store = null!;
    private LockService _locks = null!;
    private LockService _refused = null!;
    private RunService _runs = null!;
    private readonly RunRef _run = RunRef.Parse("locked");
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _bench = new BenchStore();
        _store = _bench.Backend;
        var caller = new Caller(new LockSession(LockOwner.NewSession()));
        _locks = new LockService(_store, caller);
        _runs = new RunService(_store, caller);
        _runs.Create(new NewRunRequest { Name = "locked" });
        _runs.Create(new NewRunRequest { Name = "held" });
        // Another owner holds 'held' for the whole benchmark; this one asks with -Timeout 0.
        new LockService(_store, new Caller(new LockSession(LockOwner.NewSession()))).Enter(RunRef.Parse("held"), TimeSpan.FromHours(1), "held");
        _refused = new LockService(_store, new Caller(new LockSession(LockOwner.NewSession()), RetryPolicy.ForTimeout(TimeSpan.Zero)));
    }

    [GlobalCleanup]
    public void Cleanup() => _bench.Dispose();

    [Benchmark(Description = "Enter-RunLock + Exit-RunLock (engine, uncontended)")]
    public RunLock EnterExit()
    {
        _locks.Enter(_run, null, "bench");
        return _locks.Exit(_run);
    }

    [Benchmark(Description = "Enter-RunLock -Timeout 0 on a run another owner holds (fails)")]
    public string RefusedAtOnce()
    {
        try { _refused.Enter(RunRef.Parse("held"), null, "bench"); }
        catch (PersistStore.Engine.Errors.RunLockedException e) { return e.ErrorId; }
        throw new InvalidOperationException("the held run was locked by this owner");
    }

    [Benchmark(Description = "Set-Run on an unlocked run (implicit lock)")]
    public object SetUnlocked() => _runs.Update(_run, new RunChanges { Description = "d" + _next++ });
}
