using System.Management.Automation;
using PersistStore.Engine.Stores;
using PersistStore.Engine.Storage;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>
    /// Makes a store the session default (creating a SQLite store file if none exists there), and/or sets the
    /// session's default retry budget for waiting on locked runs.
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "PersistStore", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
    [OutputType(typeof(StoreInfo))]
    public sealed class ConnectPersistStoreCommand : PersistStoreCmdlet
    {
        private const string PathSet = "Path";
        private const string ConnectionStringSet = "ConnectionString";
        private const string RetryBudgetSet = "RetryBudget";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = ConnectionStringSet)]
        [ValidateNotNullOrEmpty]
        public string ConnectionString { get; set; } = "";

        /// <summary>The session's default budget for waiting on locked runs and a busy store (its own call: it leaves the store as it is).</summary>
        [Parameter(Mandatory = true, ParameterSetName = RetryBudgetSet)]
        [ValidateNotNull]
        public RetryBudget? RetryBudget { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (RetryBudget != null && ShouldProcess($"retry budget {RetryBudget}", "Set as the session's default retry budget"))
            {
                RunspaceSession.Current!.Retry = RetryBudget.Policy;
                WriteVerbose($"Session retry budget: {RetryBudget}.");
            }
            if (ParameterSetName == RetryBudgetSet) return;

            // -Path takes what -Store takes: a connection string given positionally connects to it, never makes a folder of that name.
            var location = StoreResolver.Parse(ParameterSetName == PathSet ? Path : ConnectionString, FullPath);
            if (!ShouldProcess(location.Display, "Connect as the session's default store (create it if missing)")) return;
            var resolved = new ResolvedStore(location, StoreSource.SessionDefault);
            IStoreBackend backend;
            try { backend = StoreCatalog.Get(resolved, createIfMissing: true, WriteWarning); }
            catch (Engine.Errors.PersistStoreException e) { ThrowTerminatingError(ErrorRecords.From(e)); return; }
            RunspaceSession.Current!.Store = location;
            WriteVerbose($"Session default store: {location.Display}.");
            if (PassThru)
                WriteObject(OutputObjects.ToStoreInfo(new StoreService(backend).Summarize(Cancellation), resolved));
        }
    }
}
