namespace PersistStore.Engine.Errors
{
    internal static class UpgradeErrors
    {
        public static PersistStoreException BackupExists(string backupPath) =>
            new PersistStoreException("BackupExists", ErrorKind.AlreadyExists, backupPath,
                $"The backup file '{backupPath}' already exists. Choose another backup path; an existing file is never overwritten.");

        public static PersistStoreException VerifyFailed(string staging, string what) =>
            new StoreFormatException("UpgradeVerifyFailed", staging,
                $"The upgraded copy does not match the old store ({what}). The old store was not changed; the copy is left in '{staging}' for a bug report. Keep using the older module, and report this.");
    }
}
