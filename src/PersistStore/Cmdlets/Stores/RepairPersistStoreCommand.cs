using System.Linq;
using System.Management.Automation;
using PersistStore.Engine.Checking;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>
    /// Rebuilds the chunk index from the packs' own lists and says which checkpoints still cannot be restored in full.
    /// Deletes nothing without -Force (then: index entries of chunks found in no readable pack, and pack files that
    /// cannot be read at all); -WhatIf shows the plan.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Repair, "PersistStore", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(RepairReport))]
    public sealed class RepairPersistStoreCommand : StoreCmdlet
    {
        /// <summary>Also delete index entries of chunks found in no readable pack, and pack files that cannot be read.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void EndProcessing()
        {
            var (backend, resolved) = OpenStore(createIfMissing: false);
            string store = resolved.Location.Display;
            ForItem(store, () =>
            {
                var repair = new IndexRepair(backend, Caller);
                var pump = new PipelinePump(7, $"Repairing {store}");
                var progress = new TestPersistStoreCommand.Progress(pump);
                var plan = pump.Run(this, () => repair.Run(planOnly: true, force: Force, Cancellation, progress));
                string what = $"Rebuild the chunk index from {plan.PacksScanned} packs: add {plan.PacksAdded} packs, move {plan.ChunksMoved} entries to sound copies, mark {plan.ChunksLost.Count} lost chunks damaged"
                    + (Force ? $", delete their index entries and {plan.UnreadablePacks.Count} unreadable pack files" : "");
                if (!ShouldProcess(store, what))
                {
                    WriteObject(ToReport(plan, store));
                    return;
                }
                var pass = new PipelinePump(7, $"Repairing {store}");
                WriteObject(ToReport(pass.Run(this, () => repair.Run(planOnly: false, force: Force, Cancellation, new TestPersistStoreCommand.Progress(pass))), store));
            });
        }

        private static RepairReport ToReport(RepairResult r, string store) => new RepairReport
        {
            Store = store, WhatIf = r.PlanOnly, PacksScanned = r.PacksScanned, UnreadablePacks = r.UnreadablePacks.ToArray(), PacksAdded = r.PacksAdded,
            ChunksAdded = r.ChunksAdded, ChunksMoved = r.ChunksMoved, ChunksLost = r.ChunksLost.Count, IndexEntriesDeleted = r.IndexEntriesDeleted,
            PackFilesDeleted = r.PackFilesDeleted,
            UnrestorableCheckpoints = r.Remaining.SelectMany(p => p.Checkpoints).Distinct().OrderBy(c => c).ToArray(),
            Remaining = r.Remaining.Select(p => TestPersistStoreCommand.ToObject(p, store)).ToArray(),
        };
    }
}
