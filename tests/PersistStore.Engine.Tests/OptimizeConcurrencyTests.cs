using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using PersistStore.Engine.Checkpoints;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Maintenance;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Stores;
using Xunit;

namespace PersistStore.Engine.Tests;

/// <summary>
/// Optimize-PersistStore in a loop in this process while three worker processes take checkpoints of content drawn
/// from one shared pool (so writers keep meeting chunks a removed checkpoint left unreferenced) and remove all but
/// their last three. Afterwards every surviving checkpoint exports exactly what it was taken from, every indexed
/// chunk decodes, and a last pass leaves nothing unreferenced. PERSISTSTORE_CHURN_SECONDS sets how long the
/// workers run (20 s by default; the long mode runs minutes).
/// </summary>
[Trait("Backends", "Both")]
public sealed class OptimizeConcurrencyTests : IDisposable
{
    private static readonly double Seconds = double.TryParse(Environment.GetEnvironmentVariable("PERSISTSTORE_CHURN_SECONDS"), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double s) ? s : 20;
    private readonly TestStore _store = new();
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public OptimizeConcurrencyTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    public void Dispose() => _store.Dispose();

    private static byte[] ChurnContent(int seed)
    {
        var bytes = new byte[(64 + seed % 7 * 97) << 10];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async System.Threading.Tasks.Task OptimizeInALoopBesideThreeChurningWritersLosesNothing()
    {
        var backend = _store.Open();
        var names = new[] { "w1", "w2", "w3" };
        foreach (var n in names)
            new RunService(backend).Create(new NewRunRequest { Name = n, Path = Directory.CreateDirectory(Path.Combine(_store.Folder, n)).FullName });

        var taken = new ConcurrentDictionary<(string Run, int Number), int[]>();
        var workers = names.Select((n, i) =>
        {
            var p = Process.Start(CrashTests.WorkerStart(_store.Location, "churn", n, Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), (i + 1).ToString()))!;
            p.OutputDataReceived += (_, e) =>
            {
                var f = e.Data?.Split(' ');
                if (f != null && f.Length > 2 && f[0] == "cp") taken[(n, int.Parse(f[1]))] = f.Skip(2).Select(int.Parse).ToArray();
            };
            p.BeginOutputReadLine();
            return (Process: p, Errors: p.StandardError.ReadToEndAsync());
        }).ToList();

        var optimize = new OptimizeService(backend, Caller.For(null));
        int passes = 0, deleted = 0, repacked = 0, rescued = 0;
        while (workers.Any(w => !w.Process.HasExited))
        {
            var r = optimize.Run(new OptimizeOptions { WriterTimeout = TimeSpan.FromMinutes(2) });
            Assert.Null(r.Deferred);
            passes++;
            deleted += r.ChunksDeleted;
            repacked += r.PacksRepacked;
            rescued += r.Rescued;
        }
        foreach (var (p, errors) in workers)
        {
            p.WaitForExit();
            string failed = await errors;
            Assert.True(p.ExitCode == 0, $"a worker failed: {failed}");
            p.Dispose();
        }
        optimize.Run(new OptimizeOptions());
        _output.WriteLine($"churn: {Seconds} s, {taken.Count} checkpoints, {passes} passes deleted {deleted} chunks, repacked {repacked} packs, rescued {rescued}");
        Assert.True(passes >= 3 && deleted > 0, $"{passes} passes deleted {deleted} chunks, repacked {repacked} packs, rescued {rescued}: the test did not exercise deletion");

        var restore = new RestoreService(backend);
        var checkpoints = new CheckpointService(backend);
        int exported = 0;
        foreach (var n in names)
        {
            var surviving = checkpoints.List(RunRef.Parse(n));
            Assert.Equal(3, surviving.Count);
            foreach (var c in surviving)
            {
                string target = Path.Combine(_store.Folder, $"export-{n}-{c.Number}");
                restore.Export(c, target);
                var seeds = taken[(n, c.Number)];
                for (int f = 0; f < seeds.Length; f++)
                    Assert.True(ChurnContent(seeds[f]).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(target, $"f{f}.bin"))), $"{n}#{c.Number} f{f}.bin differs");
                exported++;
            }
        }
        Assert.Equal(9, exported);

        // Test-PersistStore -ReadData: every chunk decodes to its id, every reference resolves; and nothing is left
        // that no checkpoint references.
        var problems = new List<Checking.StoreProblem>();
        new Checking.StoreChecker(backend, Caller.For(null)).Run(new Checking.CheckOptions { ReadDataPercent = 100 }, problems.Add);
        Assert.Empty(problems);
        var summary = new StoreService(backend).Summarize();
        Assert.Equal((0L, 0L), (summary.UnreferencedChunks, summary.UnreferencedBytes));
        Assert.Equal(backend.Read(r => r.ListPacks()).Select(p => p.Name).OrderBy(x => x), backend.Packs.List().OrderBy(x => x));
    }
}
