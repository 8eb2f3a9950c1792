using System;
using Microsoft.Data.Sqlite;
using PersistStore.Engine.Errors;

namespace PersistStore.Engine.Storage.Sqlite
{
    /// <summary>Turns SQLite's result codes into errors a user can act on.</summary>
    internal static class SqliteErrors
    {
        private const int SQLITE_PERM = 3, SQLITE_BUSY = 5, SQLITE_LOCKED = 6, SQLITE_READONLY = 8, SQLITE_IOERR = 10,
            SQLITE_CORRUPT = 11, SQLITE_FULL = 13, SQLITE_CANTOPEN = 14, SQLITE_AUTH = 23, SQLITE_NOTADB = 26;

        public static Exception Translate(SqliteException e, StoreLocation location)
        {
            string where = location.Display;
            switch (e.SqliteErrorCode)
            {
                case SQLITE_READONLY:
                case SQLITE_PERM:
                case SQLITE_AUTH:
                case SQLITE_CANTOPEN:
                    return new StoreAccessException(where,
                        $"The store '{where}' cannot be written: {e.Message.TrimEnd('.')}. Check that the file and its folder are writable by {Environment.UserName}, or choose another store path.", e);
                case SQLITE_NOTADB:
                    return NotAStore(where, e);
                case SQLITE_CORRUPT:
                    return new StoreFormatException("StoreCorrupt", where,
                        $"The store '{where}' is damaged ({e.Message.TrimEnd('.')}). Restore it from a backup; do not write to it.", e);
                case SQLITE_BUSY:
                case SQLITE_LOCKED:
                    return new PersistStoreException("StoreBusy", ErrorKind.ResourceUnavailable, where,
                        $"The store '{where}' stayed busy longer than the busy timeout: another process holds a long write. Retry later.", e);
                case SQLITE_FULL:
                case SQLITE_IOERR:
                    return new PersistStoreException("StoreIOError", ErrorKind.ResourceUnavailable, where,
                        $"The store '{where}' could not be written ({e.Message.TrimEnd('.')}). Check free disk space and the disk's health.", e);
                default:
                    return new PersistStoreException("StoreError", ErrorKind.InvalidOperation, where,
                        $"The store '{where}' reported an error: {e.Message}", e);
            }
        }

        public static StoreFormatException NotAStore(string where, Exception? inner = null) =>
            new StoreFormatException("NotAPersistStore", where,
                $"'{where}' is not a PersistStore store. Give the path of a store (a folder), or a path that does not exist yet to create a new store.", inner);
    }
}
