using System.Management.Automation;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Stores;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>
    /// Upgrades a store written by an older PersistStore to this version's format. The store is copied to a
    /// backup first and migrated in one transaction; a store already in the current format is left untouched.
    /// </summary>
    [Cmdlet(VerbsData.Update, "PersistStore", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(StoreInfo))]
    public sealed class UpdatePersistStoreCommand : StoreCmdlet
    {
        /// <summary>Where to write the backup (default: beside the store, named after its old format and the time).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? BackupPath { get; set; }

        protected override void EndProcessing()
        {
            try
            {
                var parameter = Store != null ? StoreResolver.Parse(Store.Value, FullPath) : null;
                var resolved = StoreResolver.Resolve(parameter, RunspaceSession.Current?.Store, FullPath);
                if (!ShouldProcess(resolved.Location.Display, "Back up the store, then upgrade it to the current format")) return;
                var result = StoreUpgrader.Upgrade(resolved, BackupPath == null ? null : FullPath(BackupPath), Caller.Actor);
                WriteVerbose(result.From == result.To ? $"The store is already in format {result.To}; nothing was changed."
                    : result.BackupPath == null ? $"Upgraded from format {result.From} to {result.To} in one transaction (PostgreSQL: no backup file)."
                    : $"Upgraded from format {result.From} to {result.To}; the old store was copied to '{result.BackupPath}'.");
                var (backend, _) = OpenStore(createIfMissing: false);
                WriteObject(OutputObjects.ToStoreInfo(new StoreService(backend).Summarize(Cancellation), resolved));
            }
            catch (PersistStoreException e) { ThrowTerminatingError(ErrorRecords.From(e)); }
        }
    }
}
