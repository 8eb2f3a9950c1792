namespace PersistStore.Engine.Model
{
    /// <summary>What Get-PersistStore reports. Chunk and byte counts stay 0 until checkpoints exist.</summary>
    public sealed record StoreSummary
    {
        public string Location { get; set; } = "";
        public string Backend { get; set; } = "";
        public int FormatVersion { get; set; }
        public string StoreId { get; set; } = "";
        public long Runs { get; set; }
        public long Checkpoints { get; set; }
        public long Chunks { get; set; }
        public long LogicalBytes { get; set; }
        public long StoredBytes { get; set; }
        /// <summary>Pack files, and the bytes they take on disk (chunks, their lists, and copies the index does not use).</summary>
        public long Packs { get; set; }
        public long PackBytes { get; set; }
        /// <summary>Blobs no checkpoint needs (a killed writer's, a removed checkpoint's), and their stored bytes.</summary>
        public long UnreferencedChunks { get; set; }
        public long UnreferencedBytes { get; set; }
        public long HistoryEntries { get; set; }
        /// <summary>Chunks and listings found damaged or missing (by Test-PersistStore, a read or Repair-PersistStore) whose
        /// content no checkpoint has stored again yet: the next checkpoint that meets it does.</summary>
        public long DamagedBlobs { get; set; }
        public double DedupRatio => StoredBytes == 0 ? 0 : (double)LogicalBytes / StoredBytes;
    }
}
