using PersistStore.Engine.Errors;

namespace PersistStore.Engine.Migration
{
    public sealed class MigrationException : PersistStoreException
    {
        public MigrationException(string errorId, ErrorKind kind, object? target, string message, System.Exception? inner = null)
            : base(errorId, kind, target, message, inner)
        { }

        public static MigrationException OntoItself(string where) =>
            new MigrationException("MigrationOntoItself", ErrorKind.InvalidArgument, where,
                $"The source and the destination are the same store ('{where}'). Name another store as -Destination.");

        /// <summary>The verification found a difference: the layer, the item, and both values.</summary>
        public static MigrationException Mismatch(string layer, string item, string detail) =>
            new MigrationException("MigrationMismatch", ErrorKind.InvalidData, item,
                $"The migration's verification failed at the {layer} layer: {item}: {detail}. The destination holds what was copied so far; nothing in the source changed. Run Test-PersistStore on both stores, then Start-Migration again (it copies only what is missing).");

        public static MigrationException Conflict(string run, string why) =>
            new MigrationException("MigrationRunConflict", ErrorKind.AlreadyExists, run,
                $"The run '{run}' cannot be migrated: {why}. Nothing of it was copied. Use -OnConflict Skip to leave it out, or -OnConflict Rename to copy it under a new name.");
    }
}
