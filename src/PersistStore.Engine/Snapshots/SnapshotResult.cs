using PersistStore.Engine.Compression;

namespace PersistStore.Engine.Snapshots
{
    /// <summary>What a checkpoint's content came to.</summary>
    /// <param name="PeakEntriesHeld">The most directory entries held in memory at once: bounded by the open folders, not the tree.</param>
    public sealed record SnapshotResult(BlobId RootTree, long Files, long Directories, long LogicalBytes, long NewBytes, long FilesRead, long PeakEntriesHeld);

    /// <summary>
    /// How far a checkpoint is. Done counts files whose content is settled, read or not (unchanged files count at
    /// once, as restic counts them); Found is what a separate count of the folder has seen so far, final when
    /// FoundAll is set.
    /// </summary>
    public readonly record struct SnapshotProgress(long FilesDone, long BytesDone, long FilesRead, long FilesFound, long BytesFound, bool FoundAll)
    {
        /// <summary>Done bytes as a share of the bytes found, 0-99 until the count is final (and 100 only when done).</summary>
        public int Percent
        {
            get
            {
                if (BytesFound == 0) return FoundAll ? 100 : 0;
                int percent = (int)(100 * System.Math.Min(BytesDone, BytesFound) / BytesFound);
                return FoundAll ? percent : System.Math.Min(percent, 99);
            }
        }
    }
}
