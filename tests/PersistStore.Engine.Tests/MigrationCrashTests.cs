using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using PersistStore.Engine.Checkpoints;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Migration;
using PersistStore.Engine.Model;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Storage;
using PersistStore.Tests.Shared;
using Xunit;

namespace PersistStore.Engine.Tests;

/// <summary>
/// kill -9 of Start-Migration at random moments, into a destination of the backend under test; then the migration is
/// run again and must complete with exact counts, verified, and a third pass must find nothing to copy.
/// PERSISTSTORE_CRASH_TRIALS raises the number of trials (default 20).
/// </summary>
[Trait("Backends", "Both")]
public sealed class MigrationCrashTests : IDisposable
{
    private static readonly int Trials = int.TryParse(Environment.GetEnvironmentVariable("PERSISTSTORE_CRASH_TRIALS"), out int n) ? n : 20;
    private readonly TestStore _source = new();
    private readonly IStoreBackend _a;
    private readonly int _checkpoints, _entries;

    public MigrationCrashTests()
    {
        _a = _source.OpenSqlite();
        string work = Directory.CreateDirectory(Path.Combine(_source.Folder, "work")).FullName;
        new RunService(_a).Create(new NewRunRequest { Name = "job", Path = work, Tags = new[] { "t" } });
        new RunService(_a).Create(new NewRunRequest { Name = "second", Path = work });
        // About 24 MiB of new chunks over four checkpoints: a pass copies for a few hundred milliseconds.
        for (int i = 0; i < 4; i++)
        {
            for (int f = 0; f < 3; f++) TestFiles.Write(Path.Combine(work, $"f{f}.bin"), TestFiles.RandomBytes(2 << 20, i * 10 + f));
            new CheckpointService(_a).Create(RunRef.Parse(i % 2 == 0 ? "job" : "second"), $"round {i}");
        }
        _checkpoints = 4;
        _entries = _a.Read(r => r.QueryHistory(new HistoryFilter()).Count(e => e.RunId != null));
    }

    public void Dispose() => _source.Dispose();

    [Fact]
    public void AKilledMigrationCompletesWithExactCountsWhenRunAgain()
    {
        var random = new Random(20261202);
        int interrupted = 0;
        for (int trial = 0; trial < Trials; trial++)
        {
            using var destination = new TestStore();
            // Killed from inside, 0-6 ms after one of its first 100 progress reports (one per run, one per blob: about 110).
            using (var worker = Process.Start(CrashTests.WorkerStart(_source.PathOnDisk, "migrate", destination.Location, random.Next(1, 100).ToString(), random.Next(7).ToString()))!)
            {
                var stderr = worker.StandardError.ReadToEndAsync();
                worker.StandardOutput.ReadToEnd();
                worker.WaitForExit();
                Assert.True(worker.ExitCode != 0 || stderr.Result.Length == 0, stderr.Result);
            }
            var b = destination.Open();
            var before = b.Read(r => r.QueryRuns(new RunFilter()).Sum(run => r.QueryCheckpoints(run.Id).Count));
            if (before < _checkpoints) interrupted++;

            var resumed = new MigrationService(_a, b, Caller.For(null)).Run(new MigrationOptions());
            Assert.True(resumed.Verified);
            Assert.Equal(_checkpoints, b.Read(r => r.QueryRuns(new RunFilter()).Sum(run => r.QueryCheckpoints(run.Id).Count)));
            Assert.Equal(_entries, b.Read(r => r.QueryHistory(new HistoryFilter()).Count(e => e.RunId != null)));
            Assert.Equal(_entries, resumed.HistoryEntriesVerified);
            Assert.Empty(new History.HistoryService(b).VerifyChain());
            Assert.True(new MigrationService(_a, b, Caller.For(null)).Run(new MigrationOptions()).NothingToCopy);
        }
        Assert.True(interrupted >= Trials / 4, $"only {interrupted} of {Trials} kills landed before the last checkpoint was copied");
    }
}
