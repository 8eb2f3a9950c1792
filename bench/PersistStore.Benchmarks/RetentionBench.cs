using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using PersistStore.Engine.Checkpoints;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Retention;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Storage;

namespace PersistStore.Benchmarks;

/// <summary>
/// Retention over many checkpoints: one real checkpoint of an empty folder, then that many more recorded directly
/// (hourly, back from now), then a restic-like nightly policy planned (-WhatIf) and applied, each timed.
/// </summary>
public static class RetentionBench
{
    public static (TimeSpan Plan, TimeSpan Apply, int Removed) Run(IStoreBackend backend, int count)
    {
        string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "ps-retention-" + Guid.NewGuid().ToString("N"))).FullName;
        new RunService(backend).Create(new NewRunRequest { Name = "many", Path = folder });
        var first = new CheckpointService(backend).Create(RunRef.Parse("many"), null);
        var start = DateTime.UtcNow.AddHours(-count);
        backend.Write(w =>
        {
            for (int i = 2; i <= count; i++)
                w.InsertCheckpoint(first with { Number = i, CreatedAt = start.AddHours(i), Parent = i - 1 });
            return 0;
        });
        var policy = new RetentionPolicy { Hourly = 24, Daily = 30, Weekly = 52, Monthly = 24, Yearly = 5 };
        var service = new RetentionService(backend, Caller.For(null));
        var clock = Stopwatch.StartNew();
        var plan = service.Plan(RunRef.Parse("many"), policy, TimeZoneInfo.Local);
        var planned = clock.Elapsed;
        clock.Restart();
        var done = service.Apply(RunRef.Parse("many"), policy, TimeZoneInfo.Local, new HashSet<int>(plan.Where(d => !d.Keep).Select(d => d.Checkpoint.Number)));
        Directory.Delete(folder);
        return (planned, clock.Elapsed, done.Count(o => o.Removed));
    }
}
