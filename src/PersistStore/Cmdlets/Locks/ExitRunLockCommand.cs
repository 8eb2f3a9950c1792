using System.Management.Automation;
using PersistStore.Engine.Locking;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>Releases this session's lock on a run.</summary>
    [Cmdlet(VerbsCommon.Exit, "RunLock", SupportsShouldProcess = true)]
    [OutputType(typeof(RunLock))]
    public sealed class ExitRunLockCommand : RunParameterCmdlet
    {
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            ForItem(Run, () =>
            {
                var (backend, resolved) = OpenStore(createIfMissing: false, Run);
                if (!ShouldProcess($"run '{Run}' in {resolved.Location.Display}", "Release lock")) return;
                var released = new LockService(backend, Caller).Exit(ToRunRef(Run), Cancellation);
                WriteVerbose($"Released the lock on run '{released.RunName}' (held since {released.AcquiredAt:u}).");
                if (PassThru) WriteObject(OutputObjects.ToLock(new RunLockState(released, null), resolved.Location, Caller.Session.Owner));
            });
        }
    }
}
