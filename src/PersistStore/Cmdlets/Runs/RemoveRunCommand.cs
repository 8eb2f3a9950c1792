using System.Management.Automation;
using PersistStore.Completion;
using PersistStore.Engine.Runs;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>Removes a run with its tags and properties; the change log keeps its history.</summary>
    [Cmdlet(VerbsCommon.Remove, "Run", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(Run))]
    public sealed class RemoveRunCommand : StoreCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("RunName", "Name")]
        [ArgumentCompleter(typeof(RunNameCompleter))]
        public RunIdentity Run { get; set; } = null!;

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var (backend, resolved) = OpenStore(createIfMissing: false, Run);
            ForItem(Run, () =>
            {
                var service = new RunService(backend);
                var current = service.Get(ToRunRef(Run), Cancellation);
                if (!ShouldProcess($"run '{current.Name}' ({current.Id:D}) in {resolved.Location.Display}", "Remove run")) return;
                var removed = service.Remove(RunRef.ForId(current.Id), Cancellation);
                if (PassThru) WriteObject(OutputObjects.ToRun(removed, resolved.Location));
            });
        }
    }
}
