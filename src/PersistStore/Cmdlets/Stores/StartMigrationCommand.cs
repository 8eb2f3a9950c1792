using System;
using System.Linq;
using System.Management.Automation;
using PersistStore.Completion;
using PersistStore.Engine.Migration;
using PersistStore.Engine.Stores;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>
    /// Copies runs with their checkpoints, tags, properties, change log and lock state from one store to another
    /// (SQLite or PostgreSQL, either way), copying only the chunks the destination lacks, then verifies every layer in
    /// both stores. Run again, it copies only what is missing: a second pass copies nothing, and a killed pass completes.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "Migration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(MigrationReport))]
    public sealed class StartMigrationCommand : PersistStoreCmdlet
    {
        /// <summary>The store to copy from (a path, a connection string or a StoreInfo object); it is only read.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNull]
        public StoreArgument? Source { get; set; }

        /// <summary>The store to copy into; created if it does not exist.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNull]
        public StoreArgument? Destination { get; set; }

        /// <summary>Only these runs (names or wildcards); default: every run.</summary>
        [Parameter]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(RunNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Run { get; set; }

        /// <summary>Only runs carrying every one of these tags.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(TagCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Tag { get; set; }

        /// <summary>A run whose name the destination gives another run, or that the destination changed since it was
        /// migrated: Fail (the default: nothing is copied), Skip it, or Rename it (name-migrated).</summary>
        [Parameter]
        [ValidateSet("Fail", "Skip", "Rename")]
        public string OnConflict { get; set; } = "Fail";

        protected override void EndProcessing()
        {
            var source = Open(Source!, create: false);
            // Under -WhatIf a destination that does not exist yet is planned as an empty store, and not created.
            EmptyPlanStore? emptyPlanStore = null;
            var destination = WhatIfRequested ? Open(Destination!, create: false, missing: () => (emptyPlanStore = new EmptyPlanStore()).Backend) : Open(Destination!, create: true);
            string destinationName = emptyPlanStore != null ? StoreResolver.Parse(Destination!.Value, FullPath).Display : destination.Location.Display;
            string target = $"{source.Location.Display} -> {destinationName}";
            try { Migrate(source, destination, target, destinationName); }
            finally { emptyPlanStore?.Dispose(); }
        }

        private void Migrate(Engine.Storage.IStoreBackend source, Engine.Storage.IStoreBackend destination, string target, string destinationName)
        {
            ForItem(target, () =>
            {
                var service = new MigrationService(source, destination, Caller);
                var options = new MigrationOptions
                {
                    Runs = Run ?? Array.Empty<string>(), Tags = Tag ?? Array.Empty<string>(),
                    OnConflict = (ConflictAction)Enum.Parse(typeof(ConflictAction), OnConflict, ignoreCase: true),
                };
                var pump = new PipelinePump(7, $"Migrating {target}");
                var progress = pump.PassProgress();
                if (WhatIfRequested)
                {
                    var plan = pump.Run(this, () => service.Run(options with { PlanOnly = true }, progress, Cancellation));
                    ShouldProcess(target, $"Migrate: {plan.RunsCreated} runs new and {plan.RunsUpdated} updated, {plan.CheckpointsCopied} checkpoints, {plan.ChunksCopied} chunks and {plan.ListingsCopied} listings the destination lacks, {plan.HistoryEntriesCopied} change-log entries");
                    WriteObject(ToReport(plan with { Destination = destinationName }));
                    return;
                }
                if (!ShouldProcess(target, "Migrate: copy what the destination lacks, then verify both stores")) return;
                var result = pump.Run(this, () => service.Run(options, progress, Cancellation));
                foreach (var skipped in result.RunsSkipped)
                    WriteWarning($"The run '{skipped}' was not migrated: it conflicts with the destination (-OnConflict Skip).");
                if (result.NothingToCopy) WriteVerbose($"Nothing to copy: the destination already holds the {result.RunsVerified} runs, verified.");
                WriteObject(ToReport(result));
            });
        }

        private Engine.Storage.IStoreBackend Open(StoreArgument store, bool create, Func<Engine.Storage.IStoreBackend>? missing = null) =>
            OpenResolved(new ResolvedStore(StoreResolver.Parse(store.Value, FullPath), StoreSource.Parameter), create, missing);

        private static MigrationReport ToReport(MigrationResult r) => new MigrationReport
        {
            Source = r.Source, Destination = r.Destination, WhatIf = r.PlanOnly, RunsSelected = r.RunsSelected, RunsCreated = r.RunsCreated,
            RunsUpdated = r.RunsUpdated, RunsUnchanged = r.RunsUnchanged, RunsSkipped = r.RunsSkipped.ToArray(),
            RunsRenamed = r.RunsRenamed.Select(kv => $"{kv.Key} -> {kv.Value}").ToArray(), CheckpointsCopied = r.CheckpointsCopied,
            CheckpointsRemoved = r.CheckpointsRemoved, ChunksCopied = r.ChunksCopied, ListingsCopied = r.ListingsCopied, BytesCopied = r.BytesCopied,
            HistoryEntriesCopied = r.HistoryEntriesCopied, LocksCopied = r.LocksCopied, NothingToCopy = r.NothingToCopy, Verified = r.Verified,
            RunsVerified = r.RunsVerified, CheckpointsVerified = r.CheckpointsVerified, FilesVerified = r.FilesVerified, BytesVerified = r.BytesVerified,
            ChunksVerified = r.ChunksVerified, HistoryEntriesVerified = r.HistoryEntriesVerified, Duration = r.Duration, Phases = PipelinePump.Phases(r.Phases),
        };
    }
}
