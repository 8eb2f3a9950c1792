using System.Management.Automation;
using PersistStore.Engine.Runs;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>Removes a run with its tags and properties; the change log keeps its history.</summary>
    [Cmdlet(VerbsCommon.Remove, "Run", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(Run))]
    public sealed class RemoveRunCommand : RunCmdlet
    {
        protected override void ProcessRecord()
        {
            var (backend, resolved) = OpenStore(createIfMissing: false, Run);
            ForItem(Run, () =>
            {
                var service = new RunService(backend, Caller);
                var current = service.Get(ToRunRef(Run), Cancellation);
                if (!ShouldProcess($"run '{current.Name}' ({current.Id:D}) in {resolved.Location.Display}", "Remove run")) return;
                var removed = service.Remove(RunRef.ForId(current.Id), Cancellation);
                if (PassThru) WriteObject(OutputObjects.ToRun(removed, resolved.Location));
            });
        }
    }
}
