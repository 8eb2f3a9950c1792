using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PersistStore.Engine.Checkpoints;
using PersistStore.Engine.Checking;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Maintenance;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Storage;
using PersistStore.Tests.Shared;
using Xunit;

namespace PersistStore.Engine.Tests;

/// <summary>
/// kill -9 at random moments of Remove-Checkpoint, Optimize-PersistStore (packs being deleted and repacked) and
/// Repair-PersistStore, in real child processes: after every kill the store checks clean with every chunk read
/// (Test-PersistStore -ReadData), no committed checkpoint is lost, and the next pass completes.
/// PERSISTSTORE_CRASH_TRIALS sets the trials per operation (default 50, as CrashTests).
/// </summary>
public sealed class MaintenanceCrashTests : IDisposable
{
    private static readonly int Trials = int.TryParse(Environment.GetEnvironmentVariable("PERSISTSTORE_CRASH_TRIALS"), out int n) ? n : 50;
    private readonly TestStore _store = new();
    private readonly string _work;

    public MaintenanceCrashTests()
    {
        _work = Directory.CreateDirectory(Path.Combine(_store.Folder, "work")).FullName;
        new RunService(_store.Open()).Create(new NewRunRequest { Name = "crash", Path = _work });
    }

    public void Dispose() => _store.Dispose();

    private static RunRef Run => RunRef.Parse("crash");

    /// <summary>New content in some files (a shared pool, so packs end up partly unused), then a checkpoint.</summary>
    private void Checkpoint(Random random, int round)
    {
        for (int i = 0; i < 3; i++)
            TestFiles.Write(Path.Combine(_work, $"f{random.Next(6)}.bin"), TestFiles.RandomBytes(random.Next(100_000, 700_000), random.Next(20) + round % 3 * 1000));
        new CheckpointService(_store.Open()).Create(Run, null);
    }

    /// <summary>Runs the worker to its end (it kills itself at the point its arguments say, or finishes); returns the
    /// last progress line it printed.</summary>
    private string RunToEnd(params string[] args)
    {
        using var worker = System.Diagnostics.Process.Start(CrashTests.WorkerStart(_store.PathOnDisk, args))!;
        var stderr = worker.StandardError.ReadToEndAsync();
        var lines = worker.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        worker.WaitForExit();
        Assert.True(worker.ExitCode is 0 or 137 or -1, $"the worker failed ({worker.ExitCode}): {stderr.GetAwaiter().GetResult()}");
        return lines.LastOrDefault(l => l.StartsWith("step ", StringComparison.Ordinal)) ?? "";
    }

    private int OptimizePasses() => _store.Open().Read(r => r.QueryHistory(new Model.HistoryFilter { Operations = new[] { Model.Operations.OptimizeStore } })).Count;

    private IReadOnlyList<int> Numbers() => new CheckpointService(_store.Open()).List(Run).Select(c => c.Number).ToList();

    /// <summary>SQLite intact, and Test-PersistStore -ReadData finds no error: every checkpoint restores in full.</summary>
    private void AssertSound()
    {
        _store.AssertIntegrity();
        var problems = new List<StoreProblem>();
        new StoreChecker(_store.Open(), Caller.For(null)).Run(new CheckOptions { ReadDataPercent = 100, MarkDamaged = false }, problems.Add);
        var errors = problems.Where(p => p.Severity == ProblemSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Kind} {e.Target}: {e.Message}")));
    }

    [Fact]
    public void AKilledOptimizeLosesNothingAndTheNextPassCompletes()
    {
        var random = new Random(1212);
        int completed = 0, killedRepacking = 0;
        for (int trial = 0; trial < Trials; trial++)
        {
            Checkpoint(random, trial);
            Checkpoint(random, trial + 1);
            new Retention.RetentionService(_store.Open(), Caller.For(null)).Apply(Run, Numbers().Take(Math.Max(0, Numbers().Count - 2)).ToList(), new HashSet<int>(Numbers()));
            var before = Numbers();
            int passes = OptimizePasses();
            // Killed from inside: in phase 1-3 (mark, wait, sweep), or among the repacks (4 on), 0-6 ms after it began.
            string last = RunToEnd("optimize", random.Next(1, 6).ToString(), random.Next(7).ToString());
            if (OptimizePasses() > passes) completed++;   // the killed pass had finished (it logs last)
            else if (last.Contains("Repacking")) killedRepacking++;
            Assert.Equal(before, Numbers());
            AssertSound();
            var next = new OptimizeService(_store.Open(), Caller.For(null)).Run(new OptimizeOptions());
            Assert.Null(next.Deferred);
        }
        AssertSound();
        Assert.True(completed < Trials * 3 / 4, $"{completed} of {Trials} kills came after the pass had finished: too few landed inside one");
        Assert.True(killedRepacking > 0, "no kill landed while packs were being repacked");
        var summary = new Stores.StoreService(_store.Open()).Summarize();
        Assert.Equal(0L, summary.UnreferencedBytes);
        Assert.Equal(summary.Packs, _store.Open().Packs.List().Count());
    }

    [Fact]
    public void AKilledRemoveRemovesAllOrNothing()
    {
        var random = new Random(3434);
        for (int trial = 0; trial < Trials; trial++)
        {
            Checkpoint(random, trial);
            Checkpoint(random, trial + 1);
            var before = Numbers();
            CrashTests.StartAndKillOn(_store.PathOnDisk, random, 150, "remove", "crash", "1");
            var after = Numbers();
            Assert.True(after.SequenceEqual(before) || after.SequenceEqual(before.TakeLast(1)), $"{string.Join(",", before)} -> {string.Join(",", after)}");
            AssertSound();
        }
    }

    [Fact]
    public void AKilledRepairLeavesAStoreTheNextRepairCompletes()
    {
        var random = new Random(5656);
        for (int trial = 0; trial < Trials; trial++)
        {
            Checkpoint(random, trial);
            // The index loses its packs (every row of chunks and packs): only a repair brings the checkpoints back.
            _store.Sql("DELETE FROM chunks; DELETE FROM packs; DELETE FROM blob_marks;");
            CrashTests.StartAndKillOn(_store.PathOnDisk, random, 300, "repair");
            var result = new IndexRepair(_store.Open(), Caller.For(null)).Run(planOnly: false, force: false);
            Assert.Empty(result.Remaining);
            AssertSound();
        }
    }
}
