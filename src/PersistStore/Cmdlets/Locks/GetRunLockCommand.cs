using System.Management.Automation;
using PersistStore.Completion;
using PersistStore.Engine.Locking;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>Shows who holds a run's lock (or every lock in the store) and whether it is stale.</summary>
    [Cmdlet(VerbsCommon.Get, "RunLock")]
    [OutputType(typeof(RunLock))]
    public sealed class GetRunLockCommand : StoreCmdlet
    {
        /// <summary>The run; without it, every locked run of the store.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("RunName", "Name")]
        [ArgumentCompleter(typeof(RunNameCompleter))]
        public RunIdentity? Run { get; set; }

        protected override void ProcessRecord()
        {
            ForItem(Run, () =>
            {
                var (backend, resolved) = OpenStore(createIfMissing: false, Run);
                foreach (var state in new LockService(backend, Caller).List(Run == null ? null : ToRunRef(Run), Cancellation))
                    WriteObject(OutputObjects.ToLock(state, resolved.Location, Caller.Session.Owner));
            });
        }
    }
}
