using System;
using System.IO;
using PersistStore.Engine.Errors;

namespace PersistStore.Engine.Restore
{
    /// <summary>
    /// A destination the user may not write: said as the user's folder and what to do, never as the raw exception
    /// about the module's own temporary file (.persiststore-*.tmp) that happened to be the first write.
    /// </summary>
    internal static class DestinationErrors
    {
        public static PersistStoreException NotWritable(string destination, string full, Exception e) =>
            new PersistStoreException("DestinationNotWritable", ErrorKind.PermissionDenied, destination,
                $"'{full}' cannot be written: " + (e is UnauthorizedAccessException ? "permission denied" : "the file system is read-only")
                + ". Nothing was exported. Export into a folder you may write to, or ask its owner for write access.", e);
    }
}
