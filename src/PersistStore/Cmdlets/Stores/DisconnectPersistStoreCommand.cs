using System.Management.Automation;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>Forgets the session's default store; later commands fall back to $env:PERSISTSTORE_STORE or the per-user store.</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "PersistStore", SupportsShouldProcess = true)]
    [OutputType(typeof(void))]
    public sealed class DisconnectPersistStoreCommand : PersistStoreCmdlet
    {
        protected override void EndProcessing()
        {
            var session = RunspaceSession.Current;
            var current = session?.Store;
            if (current == null)
            {
                WriteVerbose("No session default store is set.");
                return;
            }
            if (ShouldProcess(current.Display, "Disconnect the session's default store"))
                session!.Store = null;
        }
    }
}
