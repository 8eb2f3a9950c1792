using System.Management.Automation;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>
    /// Forgets the session's default store and retry budget; later commands fall back to $env:PERSISTSTORE_STORE
    /// or the per-user store, and to the default budget. Locks the session holds stay held.
    /// </summary>
    [Cmdlet(VerbsCommunications.Disconnect, "PersistStore", SupportsShouldProcess = true)]
    [OutputType(typeof(void))]
    public sealed class DisconnectPersistStoreCommand : PersistStoreCmdlet
    {
        protected override void EndProcessing()
        {
            var session = RunspaceSession.Current;
            if (session?.Store == null && session?.Retry == null)
            {
                WriteVerbose("No session default store or retry budget is set.");
                return;
            }
            if (ShouldProcess(session.Store?.Display ?? "the session", "Forget the session's default store and retry budget"))
            {
                session.Store = null;
                session.Retry = null;
            }
        }
    }
}
