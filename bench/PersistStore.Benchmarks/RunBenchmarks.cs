using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using PersistStore.Engine.Model;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Storage;

namespace PersistStore.Benchmarks;

/// <summary>Engine operations behind New-Run, Set-RunTag and Get-Run -Tag, on a real store file.</summary>
[MemoryDiagnoser]
public class RunBenchmarks
{
    private const int StoreRuns = 100_000;
    private BenchStore _bench = null!;
    private IStoreBackend _store = null!;
    private RunService _runs = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _bench = new BenchStore();
        _store = _bench.Backend;
        _runs = new RunService(_store);
        var now = DateTime.UtcNow;
        // 100,000 runs: every run tagged 'all', every 2nd 'half', every 100th 'rare' (1,000 runs), every 1000th 'rarer'.
        _store.Write(w =>
        {
            for (int i = 0; i < StoreRuns; i++)
            {
                var tags = new[] { "all", i % 2 == 0 ? "half" : null, i % 100 == 0 ? "rare" : null, i % 1000 == 0 ? "rarer" : null }
                    .Where(t => t != null).Select(t => t!).ToArray();
                w.InsertRun(new RunRecord
                {
                    Id = Guid.NewGuid(), Name = $"run-{i:D6}", Tags = tags, CreatedAt = now, CreatedBy = "bench@host",
                    ModifiedAt = now, ModifiedBy = "bench@host", Version = 1,
                    Properties = new System.Collections.Generic.SortedDictionary<string, object>(StringComparer.OrdinalIgnoreCase) { ["i"] = (long)i },
                });
            }
            return 0;
        });
        _runs.Create(new NewRunRequest { Name = "tag-target" });
    }

    [GlobalCleanup]
    public void Cleanup() => _bench.Dispose();

    [Benchmark(Description = "New-Run (engine)")]
    public RunRecord NewRun() => _runs.Create(new NewRunRequest { Name = $"new-{_next++}", Tags = new[] { "nightly", "db" } });

    [Benchmark(Description = "Set-RunTag -Append (engine)")]
    public RunRecord SetTagAppend() => _runs.SetTags(RunRef.Parse("tag-target"), new[] { "t" + (_next++ % 64) }, append: _next % 64 != 0);

    [Benchmark(Description = "Get-Run -Tag rare (1,000 of 100,000)")]
    public int QueryRareTag() => _runs.Query(new RunFilter { AllTags = new[] { "rare" } }).Count;

    [Benchmark(Description = "Get-Run -Tag rare, half (all-of, 1,000)")]
    public int QueryAllOf() => _runs.Query(new RunFilter { AllTags = new[] { "rare", "half" } }).Count;

    [Benchmark(Description = "Get-Run -Tag rarer (100 of 100,000)")]
    public int QueryRarerTag() => _runs.Query(new RunFilter { AllTags = new[] { "rarer" } }).Count;

    [Benchmark(Description = "Get-Run -Name run-04217 (exact)")]
    public int QueryByName() => _runs.Query(new RunFilter { NamePatterns = new[] { "run-04217" } }).Count;
}
