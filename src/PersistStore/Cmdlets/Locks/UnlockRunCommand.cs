using System.Management.Automation;
using PersistStore.Engine.Locking;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>
    /// Clears a stale lock (holder gone, or lease expired); with -Force also a live one, whose holder then fails
    /// its next change. Either way the removal is written to the change log.
    /// </summary>
    [Cmdlet(VerbsCommon.Unlock, "Run", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(RunLock))]
    public sealed class UnlockRunCommand : RunParameterCmdlet
    {
        /// <summary>Remove the lock even though its holder is alive and renewing it.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            ForItem(Run, () =>
            {
                var (backend, resolved) = OpenStore(createIfMissing: false, Run);
                var locks = new LockService(backend, Caller);
                string action = Force ? "Remove the lock, even if its holder is alive" : "Remove the lock if it is stale";
                if (!ShouldProcess($"run '{Run}' in {resolved.Location.Display}", action))
                {
                    locks.List(ToRunRef(Run), Cancellation);   // a dry run still reports an unknown run
                    return;
                }
                var removed = locks.Unlock(ToRunRef(Run), Force, Cancellation);
                WriteVerbose($"Removed the lock of {removed.Lock.Describe()} on run '{removed.Lock.RunName}'" + (removed.IsStale ? $": {removed.StaleReason}." : " (forced)."));
                if (PassThru) WriteObject(OutputObjects.ToLock(removed, resolved.Location, Caller.Session.Owner));
            });
        }
    }
}
