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
                // The plan (every pack's list read, and a check) is only worth making for a user who sees it: -WhatIf or
                // a prompt. The repair reads the packs again as they are after the answer.
                RepairResult? plan = null;
                if (WhatIfRequested || ConfirmRequested)
                {
                    var pump = new PipelinePump(7, $"Planning the repair of {store}");
                    plan = pump.Run(this, () => repair.Run(planOnly: true, force: Force, Cancellation, pump.PassProgress()));
                }
                string what = plan == null ? "Rebuild the chunk index from the packs" + (Force ? ", deleting what no readable pack holds" : "")
                    : $"Rebuild the chunk index from {plan.PacksScanned} packs: add {plan.PacksAdded} packs, move {plan.ChunksMoved} entries to sound copies, mark {plan.ChunksLost.Count} lost chunks damaged"
                      + (Force ? $", delete their index entries and {plan.UnreadablePacks.Count} unreadable pack files" : "");
                if (!ShouldProcess(store, what))
                {
                    if (plan != null) WriteObject(ToReport(plan, store));
                    return;
                }
                var pass = new PipelinePump(7, $"Repairing {store}");
                WriteObject(ToReport(pass.Run(this, () => repair.Run(planOnly: false, force: Force, Cancellation, pass.PassProgress())), store));
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
