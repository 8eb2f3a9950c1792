using System;

namespace PersistStore
{
    /// <summary>A store's identity and size. Location never shows a password; pass the object itself as -Store.</summary>
    public sealed class StoreInfo
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
        /// <summary>Pack files of the store, and the bytes they take on disk.</summary>
        public long Packs { get; set; }
        public long PackBytes { get; set; }
        /// <summary>Chunks and listings no checkpoint needs (left by killed writers or removed checkpoints), and their bytes.</summary>
        public long UnreferencedChunks { get; set; }
        public long UnreferencedBytes { get; set; }
        public double DedupRatio { get; set; }
        /// <summary>Chunks and listings found damaged or missing whose content no checkpoint has stored again yet.</summary>
        public long DamagedBlobs { get; set; }
        public long HistoryEntries { get; set; }
        /// <summary>Where the store was found: Parameter, SessionDefault, Environment or UserDefault.</summary>
        public string Source { get; set; } = "";
        internal string ConnectionValue { get; set; } = "";

        public override string ToString() => Location;
    }
}
