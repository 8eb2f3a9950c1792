using System.Linq;
using System.Management.Automation;
using PersistStore.Completion;
using PersistStore.Engine.Checkpoints;
using PersistStore.Engine.Runs;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>
    /// Brings a run back to a checkpoint (the latest by default): a safety checkpoint of the current state first,
    /// then only what differs is rewritten; properties are restored, tags only with -IncludeTags.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "RunRevert", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(RevertResult))]
    public sealed class InvokeRunRevertCommand : CheckpointCmdlet
    {
        [Parameter(Position = 1, ValueFromPipeline = true)]
        [ArgumentCompleter(typeof(CheckpointNumberCompleter))]
        public CheckpointIdentity? Checkpoint { get; set; }

        [Parameter]
        public SwitchParameter IncludeTags { get; set; }

        protected override void ProcessRecord()
        {
            ForItem(Run?.ToString() ?? Checkpoint?.ToString(), () =>
            {
                var (backend, _, run) = Resolve(Checkpoint);
                var restore = new RestoreService(backend, Caller);
                // The plan (a scan and a compare) is only worth making for a user who sees it: -WhatIf or a prompt.
                // The revert itself plans again against the directory as it is after the answer.
                var plan = WhatIfRequested || ConfirmRequested ? restore.Revert(run, Checkpoint?.Number, IncludeTags, planOnly: true, cancel: Cancellation) : null;
                var target = plan?.Target ?? new CheckpointService(backend, Caller).Get(run, Checkpoint?.Number, Cancellation);
                var current = plan?.Run ?? new RunService(backend, Caller).Get(RunRef.ForId(target.RunId), Cancellation);
                string what = $"Revert run '{current.Name}' to checkpoint {target.Number}: "
                              + (plan == null ? "" : $"{plan.Changes.Count} paths change")
                              + (IncludeTags ? ", tags restored" : "") + "; a safety checkpoint is taken first";
                if (plan != null && WhatIfRequested)
                {
                    foreach (var change in plan.Changes) ShouldProcess($"{current.Name}: {change.Path}", $"{change.Change} ({change.Detail})");
                }
                if (!ShouldProcess(current.Path ?? current.Name, what)) return;
                var pump = new PipelinePump(4, $"Reverting run '{current.Name}' to checkpoint {target.Number}");
                var result = pump.Run(this, () => restore.Revert(run, target.Number, IncludeTags, planOnly: false, CheckpointCmdlet.ReportErrors(pump), Cancellation));
                WriteObject(new RevertResult
                {
                    RunName = result.Run.Name, Checkpoint = result.Target.Number, SafetyCheckpoint = result.Safety?.Number,
                    ChangedPaths = result.Changes.Count, TagsRestored = IncludeTags,
                    Changes = result.Changes.Select(c => OutputObjects.ToChange(result.Run.Name, c)).ToArray(),
                });
            });
        }

    }
}
