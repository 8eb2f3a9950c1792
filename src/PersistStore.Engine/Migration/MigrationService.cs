using System;
using System.Globalization;
using System.Threading;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Maintenance;
using PersistStore.Engine.Model;
using PersistStore.Engine.Storage;

namespace PersistStore.Engine.Migration
{
    /// <summary>
    /// Start-Migration: copies runs, with their checkpoints, tags, properties, change-log entries and lock state, from
    /// one store to another of either backend, copying only the chunks the destination lacks; then verifies every layer
    /// in both stores. Idempotent (a second pass copies nothing) and resumable (killed, it is simply run again): each
    /// step finds what the destination already holds, and the destination's own rules (a checkpoint row after its
    /// blobs) keep a killed pass from leaving anything half-recorded. The source is only read.
    /// Phases: plan, copy, verify (then readback of what this pass copied).
    /// </summary>
    public sealed class MigrationService
    {
        private readonly IStoreBackend _source, _destination;
        private readonly Caller _caller;

        public MigrationService(IStoreBackend source, IStoreBackend destination, Caller caller)
        {
            (_source, _destination, _caller) = (source, destination, caller);
        }

        public MigrationResult Run(MigrationOptions options, IProgress<PassProgress>? progress = null, CancellationToken cancel = default)
        {
            var phases = new PassPhases("Start-Migration", _caller);
            var result = new MigrationResult { Source = _source.Location.Display, Destination = _destination.Location.Display, PlanOnly = options.PlanOnly };
            string sourceId = StoreId(_source), destinationId = StoreId(_destination);
            if (sourceId == destinationId || _source.Location.Equals(_destination.Location))
                throw MigrationException.OntoItself(_destination.Location.Display);

            var plan = MigrationPlan.Make(_source, _destination, options);
            result.RunsSelected = plan.Selected;
            result.RunsSkipped.AddRange(plan.Skipped);
            foreach (var kv in plan.Renamed) result.RunsRenamed[kv.Key] = kv.Value;
            phases.End("plan");
            _caller.Trace?.Invoke($"Start-Migration: {plan.Selected} runs selected, {plan.Items.Count} to copy or check, {plan.Skipped.Count} skipped, {plan.Renamed.Count} renamed.");

            var blobs = new BlobCopier(_source, _destination, cancel);
            var copier = new RunCopier(_source, _destination, blobs, result, options.PlanOnly);
            for (int i = 0; i < plan.Items.Count; i++)
            {
                cancel.ThrowIfCancellationRequested();
                progress?.Report(new PassProgress("copy", i, plan.Items.Count));
                var item = plan.Items[i];
                var outcome = copier.Copy(item, (phase, done, total) => progress?.Report(new PassProgress($"copy {item.DestinationName}: {phase}", done, total)));
                if (outcome == RunCopier.Outcome.Created) result.RunsCreated++;
                else if (outcome == RunCopier.Outcome.Updated) result.RunsUpdated++;
                else result.RunsUnchanged++;
            }
            phases.End("copy");
            _caller.Trace?.Invoke($"Start-Migration: copied runs {result.RunsCreated} new, {result.RunsUpdated} updated, {result.RunsUnchanged} unchanged; checkpoints {result.CheckpointsCopied} (+{result.CheckpointsRemoved} removed); chunks {result.ChunksCopied}, listings {result.ListingsCopied}, {result.BytesCopied} bytes; history {result.HistoryEntriesCopied}; locks {result.LocksCopied}.");
            if (options.PlanOnly) return Finish(result, phases);

            var verifier = new MigrationVerifier(_source, _destination, blobs, result, cancel);
            for (int i = 0; i < plan.Items.Count; i++)
            {
                progress?.Report(new PassProgress("verify", i, plan.Items.Count));
                verifier.Verify(plan.Items[i]);
            }
            phases.End("verify");
            progress?.Report(new PassProgress("readback", 0, copier.Copied.Count));
            blobs.ReadBack(copier.Copied);
            phases.End("readback");
            result.Verified = true;
            _caller.Trace?.Invoke($"Start-Migration: verified runs {result.RunsVerified}, checkpoints {result.CheckpointsVerified}, files {result.FilesVerified}, bytes {result.BytesVerified}, chunks and listings {result.ChunksVerified}, history {result.HistoryEntriesVerified}.");

            if (!result.NothingToCopy)
                _destination.Write(w => w.AppendHistory(new HistoryDraft(Operations.MigrateStore, null, null, string.Format(CultureInfo.InvariantCulture,
                    "from store {0} ({1}): {2} runs created, {3} updated, {4} checkpoints, {5} chunks and {6} listings ({7} bytes), {8} change-log entries, {9} locks; verified",
                    sourceId, _source.BackendName, result.RunsCreated, result.RunsUpdated, result.CheckpointsCopied, result.ChunksCopied,
                    result.ListingsCopied, result.BytesCopied, result.HistoryEntriesCopied, result.LocksCopied)), _caller.Actor, DateTime.UtcNow), cancel);
            return Finish(result, phases);
        }

        private static MigrationResult Finish(MigrationResult result, PassPhases phases)
        {
            result.Phases = phases.Done;
            result.Duration = phases.Total;
            return result;
        }

        private static string StoreId(IStoreBackend store) => store.Read(r => r.GetMeta("store_id")) ?? "";
    }
}
