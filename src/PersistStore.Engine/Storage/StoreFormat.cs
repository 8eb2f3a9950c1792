using PersistStore.Engine.Errors;

namespace PersistStore.Engine.Storage
{
    /// <summary>What an upgrade did (either backend): the format before and after, and where the backup went (null
    /// when the store was already current, and always on PostgreSQL, which upgrades in one transaction).</summary>
    public sealed record UpgradeResult(int From, int To, string? BackupPath);

    /// <summary>Which store formats this build reads: its own only; older ones need an explicit upgrade.</summary>
    public static class StoreFormat
    {
        public static void CheckReadable(string location, int found, int supported)
        {
            if (found > supported)
                throw new StoreFormatException("StoreFormatTooNew", location,
                    $"The store '{location}' has format version {found}, written by a newer PersistStore; this version reads format {supported}. Update the module (Update-Module PersistStore) to use this store.");
            if (found < supported)
                throw new StoreFormatException("StoreUpgradeRequired", location,
                    $"The store '{location}' has format version {found}; this version of PersistStore uses format {supported}. Nothing was changed: upgrade it with Update-PersistStore -Store '{location}' (it is backed up first), or keep using the older module.");
        }
    }
}
