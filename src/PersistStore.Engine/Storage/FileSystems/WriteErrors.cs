using System;
using System.IO;

namespace PersistStore.Engine.Storage.FileSystems
{
    /// <summary>Whether an exception says a place may not be written (permission, or a read-only file system).</summary>
    internal static class WriteErrors
    {
        // EROFS on Linux and macOS: .NET reports a read-only file system as a plain IOException with the errno.
        internal const int ReadOnlyFileSystem = 30;

        public static bool IsNotWritable(Exception e) =>
            e is UnauthorizedAccessException || (e is IOException && !(e is FileNotFoundException) && e.HResult == ReadOnlyFileSystem);
    }
}
