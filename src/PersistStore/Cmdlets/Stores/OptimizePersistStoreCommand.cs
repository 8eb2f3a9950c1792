using System;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using PersistStore.Engine.Maintenance;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>
    /// Reclaims the space of chunks and listings no checkpoint references (after Remove-Checkpoint or Remove-Run,
    /// or left by killed writers), while other commands keep writing: see OptimizeService for the rule.
    /// </summary>
    [Cmdlet(VerbsCommon.Optimize, "PersistStore", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(OptimizeReport))]
    public sealed class OptimizePersistStoreCommand : StoreCmdlet
    {
        /// <summary>Repack a pack when more than this percent of it is unused (restic's default: 5).</summary>
        [Parameter]
        [ValidateRange(0.0, 100.0)]
        public double MaxUnused { get; set; } = 5;

        /// <summary>How long to wait for commands that were already writing when the pass began (seconds or a TimeSpan).</summary>
        [Parameter]
        [DurationTransformation]
        public TimeSpan WriterTimeout { get; set; } = TimeSpan.FromMinutes(10);

        protected override void EndProcessing()
        {
            var (backend, resolved) = OpenStore(createIfMissing: false);
            ForItem(resolved.Location.Display, () =>
            {
                var service = new OptimizeService(backend, Caller);
                var options = new OptimizeOptions { MaxUnusedPercent = MaxUnused, WriterTimeout = WriterTimeout };
                var pump = new PipelinePump(5, $"Optimizing {resolved.Location.Display}");
                var progress = pump.PassProgress();
                if (WhatIfRequested)
                {
                    var plan = pump.Run(this, () => service.Run(options with { PlanOnly = true }, progress, Cancellation));
                    ShouldProcess(resolved.Location.Display, $"Optimize: delete {plan.UnreferencedListings} listings and {plan.UnreferencedChunks} chunks no checkpoint references, delete {plan.PacksDeleted} packs, repack {plan.PacksRepacked}, delete {plan.LeftoversDeleted} leftovers of killed writers; about {plan.BytesFreed / 1048576.0:N1} MiB freed");
                    WriteObject(ToReport(plan, resolved.Location.Display));
                    return;
                }
                if (!ShouldProcess(resolved.Location.Display, "Optimize: delete what no checkpoint references and repack mostly unused packs")) return;
                var result = pump.Run(this, () => service.Run(options, progress, Cancellation));
                if (result.Deferred != null)
                    WriteWarning($"Nothing was deleted: a command that was writing when the pass began still runs after {WriterTimeout} ({result.Deferred}). What no checkpoint references stays marked; the next Optimize-PersistStore deletes it.");
                foreach (var damaged in result.DamagedChunks)
                    WriteWarning($"Found damaged and left in place (the next checkpoint that meets its content stores it again; Test-PersistStore says which checkpoints it affects): {damaged}");
                WriteObject(ToReport(result, resolved.Location.Display));
            });
        }

        private static OptimizeReport ToReport(OptimizeResult r, string store) => new OptimizeReport
        {
            Store = store, WhatIf = r.PlanOnly, UnreferencedListings = r.UnreferencedListings, UnreferencedChunks = r.UnreferencedChunks,
            UnreferencedBytes = r.UnreferencedBytes, Rescued = r.Rescued, ListingsDeleted = r.ListingsDeleted, ChunksDeleted = r.ChunksDeleted,
            PacksDeleted = r.PacksDeleted, PacksRepacked = r.PacksRepacked, PacksWritten = r.PacksWritten, LeftoversDeleted = r.LeftoversDeleted,
            BytesFreed = r.BytesFreed, DamagedChunks = r.DamagedChunks.ToArray(), Deferred = r.Deferred, WaitedForWriters = r.WaitedForWriters,
            Duration = r.Duration, Phases = PipelinePump.Phases(r.Phases),
        };
    }
}
