using System.Management.Automation;
using PersistStore.Engine.Locking;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>
    /// Locks a run for this session: later commands of the session change it under this lock, other sessions
    /// and processes wait under their retry budget. Entering a lock the session holds refreshes its lease.
    /// </summary>
    [Cmdlet(VerbsCommon.Enter, "RunLock", SupportsShouldProcess = true)]
    [OutputType(typeof(RunLock))]
    public sealed class EnterRunLockCommand : LockingCmdlet
    {
        protected override void ProcessRecord()
        {
            ForItem(Run, () =>
            {
                var (backend, resolved) = OpenStore(createIfMissing: false, Run);
                if (!ShouldProcess($"run '{Run}' in {resolved.Location.Display}", "Lock run")) return;
                var taken = new LockService(backend, Caller).Enter(ToRunRef(Run), LeaseOrDefault, Reason, Cancellation);
                WriteVerbose($"Locked run '{taken.RunName}' until {taken.ExpiresAt:u} (renewed in the background); lock id {taken.LockId}.");
                WriteObject(OutputObjects.ToLock(new RunLockState(taken, null), resolved.Location, Caller.Session.Owner));
            });
        }
    }
}
