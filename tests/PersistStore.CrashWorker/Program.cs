using System;
using System.IO;
using PersistStore.Engine.Checkpoints;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Storage.Sqlite;

// checkpoint <store> <run> <count>: take checkpoints in a loop, touching one file before each.
// revert <store> <run> <number>: revert the run to a checkpoint.
// checkpoint-once <store> <run>: one checkpoint; every reported problem's ErrorId goes to stderr; exit 1 if refused.
// Prints "ready" once the store is open, so the killer knows the work has started.
var store = SqliteStore.Open(args[1], new StoreOpenOptions { CreateIfMissing = false });
var run = RunRef.Parse(args[2]);
Console.Out.WriteLine("ready");
Console.Out.Flush();
switch (args[0])
{
    case "checkpoint":
        var checkpoints = new CheckpointService(store);
        string folder = new RunService(store).Get(run).Path!;
        for (int i = 0; i < int.Parse(args[3]); i++)
        {
            // New content every round, so each checkpoint chunks, compresses and stores megabytes: 16 MiB is two
            // blob batches, so a kill often lands after a batch is committed and before the checkpoint is.
            var bytes = new byte[16 << 20];
            new Random(Environment.ProcessId * 1000 + i).NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(folder, $"data-{i % 4}.bin"), bytes);
            checkpoints.Create(run, $"worker {i}");
        }
        return 0;
    case "checkpoint-once":
        try
        {
            new CheckpointService(store).Create(run, null, report: e => Console.Error.WriteLine($"{e.ErrorId}: {e.Target}"));
            return 0;
        }
        catch (PersistStore.Engine.Errors.PersistStoreException e)
        {
            Console.Error.WriteLine($"{e.ErrorId}: {e.Target}");
            return 1;
        }
    case "revert":
        new RestoreService(store).Revert(run, int.Parse(args[3]), includeTags: false, planOnly: false);
        return 0;
    default:
        return 2;
}
