using System.Linq;
using System.Management.Automation;
using PersistStore.Completion;
using PersistStore.Engine.Checkpoints;
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
                var plan = restore.Revert(run, Checkpoint?.Number, IncludeTags, planOnly: true, cancel: Cancellation);
                string what = $"Revert run '{plan.Run.Name}' to checkpoint {plan.Target.Number}: {plan.Changes.Count} paths change"
                              + (IncludeTags ? ", tags restored" : "") + "; a safety checkpoint is taken first";
                if (WhatIfRequested)
                {
                    foreach (var change in plan.Changes) ShouldProcess($"{plan.Run.Name}: {change.Path}", $"{change.Change} ({change.Detail})");
                }
                if (!ShouldProcess(plan.Run.Path!, what)) return;
                var pump = new PipelinePump(4, $"Reverting run '{plan.Run.Name}' to checkpoint {plan.Target.Number}");
                var result = pump.Run(this, () => restore.Revert(run, plan.Target.Number, IncludeTags, planOnly: false, CheckpointCmdlet.ReportErrors(pump), Cancellation));
                WriteObject(new RevertResult
                {
                    RunName = result.Run.Name, Checkpoint = result.Target.Number, SafetyCheckpoint = result.Safety?.Number,
                    ChangedPaths = result.Changes.Count, TagsRestored = IncludeTags,
                    Changes = result.Changes.Select(c => OutputObjects.ToChange(result.Run.Name, c)).ToArray(),
                });
            });
        }

        private bool WhatIfRequested =>
            MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) ? ((SwitchParameter)w).IsPresent : GetVariableValue("WhatIfPreference") is true or SwitchParameter { IsPresent: true };
    }
}
