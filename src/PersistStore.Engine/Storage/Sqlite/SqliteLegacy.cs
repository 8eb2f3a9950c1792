using System;
using System.Buffers.Binary;
using System.IO;
using PersistStore.Engine.Errors;

namespace PersistStore.Engine.Storage.Sqlite
{
    /// <summary>
    /// Stores of formats 1-3 were one SQLite file; format 4 is a folder. An old store is recognised from its file
    /// header alone (SQLite's magic, and PersistStore's application id at byte 68), without opening it: opening an
    /// old store must never change it, and a command other than Update-PersistStore refuses it.
    /// </summary>
    internal static class SqliteLegacy
    {
        public static bool IsFormat3OrOlder(string file) =>
            ReadHeader(file, 72) is byte[] header && header.AsSpan(0, 16).SequenceEqual(SqliteStore.SqliteHeader)
            && BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(68)) == SqliteSchema.ApplicationId;

        /// <summary>The file's first bytes, or null when it is shorter; a file we may not read is StoreAccessDenied.</summary>
        public static byte[]? ReadHeader(string file, int length)
        {
            var header = new byte[length];
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                int read = 0, n;
                while (read < header.Length && (n = stream.Read(header, read, header.Length - read)) > 0) read += n;
                return read < header.Length ? null : header;
            }
            catch (UnauthorizedAccessException e)
            {
                throw new StoreAccessException(file, $"The store '{file}' cannot be read: {e.Message} Check the file's permissions.", e);
            }
        }

        public static StoreFormatException UpgradeRequired(string file) =>
            new StoreFormatException("StoreUpgradeRequired", file,
                $"The store '{file}' is one file in an older format (3 or before); this version of PersistStore keeps a store as a folder (format {SqliteSchema.LatestVersion}: an index and pack files). Nothing was changed: upgrade it with Update-PersistStore -Store '{file}' (it is backed up first), or keep using the older module.");

        public static StoreFormatException FolderWithoutIndex(string folder, string index) =>
            new StoreFormatException("StoreIndexMissing", folder,
                $"The folder '{folder}' is not empty but holds no store index ('{index}' is missing or empty). Nothing was changed, and no new store is made over it. If it was a store, restore its index from a backup; otherwise choose an empty or new folder for a new store.");
    }
}
