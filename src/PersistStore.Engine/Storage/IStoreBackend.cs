using System;
using System.Collections.Generic;
using System.Threading;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Locking;
using PersistStore.Engine.Model;
using PersistStore.Engine.Retry;

namespace PersistStore.Engine.Storage
{
    /// <summary>
    /// A store's rows, behind one interface per backend (SQLite now, PostgreSQL later). Services express every
    /// change as one Write unit: the backend runs it as one serialized transaction, so a mutation and its change-log
    /// entry commit together or not at all.
    /// </summary>
    public interface IStoreBackend
    {
        StoreLocation Location { get; }
        string BackendName { get; }
        int FormatVersion { get; }

        /// <summary>Where the store's packs are (chunk bytes). Write a pack there first, then index it with IndexPack.</summary>
        Packs.IPackStore Packs { get; }

        T Read<T>(Func<IStoreReader, T> work, CancellationToken cancel = default);
        /// <summary>retry bounds how long the write waits for another writer (SQLite busy, later PostgreSQL
        /// serialization retries); null uses the store's open-time busy timeout.</summary>
        T Write<T>(Func<IStoreWriter, T> work, CancellationToken cancel = default, RetryPolicy? retry = null);
    }

    /// <summary>A stored blob as the store holds it: plain size, codec and the encoded bytes.</summary>
    public delegate void StoredBlobHandler(int plainSize, BlobCodecKind codec, ReadOnlySpan<byte> data);

    public interface IStoreReader
    {
        RunRecord? FindRunByName(string name);
        RunRecord? FindRunById(Guid id);
        IReadOnlyList<RunRecord> QueryRuns(RunFilter filter);
        IReadOnlyList<HistoryRecord> QueryHistory(HistoryFilter filter);
        HistoryRecord? LastHistoryEntry();
        StoreSummary Summarize();
        IReadOnlyList<string> ListRunNames(string prefix, int limit);
        IReadOnlyList<string> ListTags(string prefix, int limit);

        /// <summary>Which of these blobs the store already holds.</summary>
        ISet<BlobId> ExistingBlobs(IReadOnlyCollection<BlobId> ids);
        /// <summary>
        /// Hands a blob's stored bytes to handle without copying them into a new array first (the span is valid
        /// only during the call): restoring a file decodes every chunk straight into one reused buffer. False when
        /// the store lacks the blob.
        /// </summary>
        bool ReadBlob(BlobId id, StoredBlobHandler handle);
        IReadOnlyList<CheckpointRecord> QueryCheckpoints(Guid runId, int? number = null);
        CheckpointRecord? LatestCheckpoint(Guid runId);
        /// <summary>The highest checkpoint number the run has ever given, removed checkpoints included (0 for none).</summary>
        int LastCheckpointNumber(Guid runId);
        /// <summary>The root listing of every checkpoint of every run, each once.</summary>
        IReadOnlyList<BlobId> RootTrees();
        /// <summary>Every blob the store holds with its stored bytes and its pack (null for a listing, which is a row).</summary>
        void ForEachBlob(Action<BlobId, long, string?> visit);
        /// <summary>A store-wide setting or lease (store_meta); null when absent.</summary>
        string? GetMeta(string key);

        RunLock? FindLock(Guid runId);
        IReadOnlyList<RunLock> ListLocks();

        /// <summary>Every pack the index records, with the bytes and chunks of it the index still points to.</summary>
        IReadOnlyList<PackRecord> ListPacks();
        /// <summary>The chunks the index places in this pack, in pack order.</summary>
        IReadOnlyList<Packs.PackEntry> ChunksInPack(string pack);
        IReadOnlyList<(BlobId Id, BlobMark Mark, DateTime Since)> MarkedBlobs();
        /// <summary>What the database's own consistency check finds wrong with the index (empty when sound).</summary>
        IReadOnlyList<string> CheckIndex();
    }

    public interface IStoreWriter : IStoreReader
    {
        void InsertRun(RunRecord run);
        /// <summary>Replaces every column, tag and property of the run with the given record's.</summary>
        void UpdateRun(RunRecord run);
        void DeleteRun(Guid id);
        HistoryRecord AppendHistory(HistoryDraft draft, Actor actor, DateTime timeUtc);

        /// <summary>Stores the blobs not yet present as rows (directory listings); returns how many were new and their encoded bytes.</summary>
        (int Count, long Bytes) PutBlobs(IEnumerable<(EncodedBlob Blob, BlobKind Kind)> blobs);
        /// <summary>Records a pack that is already durable and indexes the chunks it holds that the index lacks;
        /// returns how many were new and their encoded bytes.</summary>
        (int Count, long Bytes) IndexPack(Packs.PackInfo pack);
        void InsertCheckpoint(CheckpointRecord checkpoint);
        /// <summary>Deletes the run's checkpoints with these numbers (their tags and properties with them); their
        /// numbers are not given again. Returns how many existed.</summary>
        int DeleteCheckpoints(Guid runId, IReadOnlyCollection<int> numbers);
        /// <summary>Records that the run has given checkpoint numbers up to last (a migration carries the source's, so
        /// that a number removed there is not given again here); a lower value than the one kept changes nothing.</summary>
        void KeepCheckpointNumber(Guid runId, int last);

        /// <summary>Inserts the run's lock, replacing whatever lock row the run had.</summary>
        void PutLock(RunLock runLock);
        /// <summary>Deletes the run's lock only if it is still this acquisition (lockId); false otherwise.</summary>
        bool DeleteLock(Guid runId, Guid lockId);
        /// <summary>Extends the lease only if it is still this acquisition; false when it was lost or taken over.</summary>
        bool RenewLock(Guid runId, Guid lockId, DateTime renewedAt, DateTime expiresAt);

        /// <summary>Sets (or with null removes) a store-wide setting or lease.</summary>
        void SetMeta(string key, string? value);
        /// <summary>Marks blobs that have no mark yet (writers store marked content again); returns how many.</summary>
        int MarkBlobs(IEnumerable<BlobId> ids, BlobMark mark, DateTime sinceUtc, string? detail = null);
        /// <summary>Clears these blobs' marks; returns how many had one.</summary>
        int UnmarkBlobs(IEnumerable<BlobId> ids);
        /// <summary>Deletes the listings and chunk index entries of those blobs that are still marked Unreferenced
        /// since no later than markedBy (a writer that stored one again cleared its mark: it stays); returns what went,
        /// with the listings' bytes (a chunk's bytes leave the disk only with its pack).</summary>
        (int Listings, int Chunks, long Bytes) DeleteUnreferenced(IEnumerable<BlobId> ids, DateTime markedBy);
        /// <summary>Points the index's entries of the chunks this pack holds at it: a durable pack written by a repack
        /// (recorded first), or with existing a pack the index already records (Repair-PersistStore).</summary>
        int MoveChunks(Packs.PackInfo pack, bool existing = false);
        /// <summary>Deletes these chunks' index entries (a Damaged mark stays until a writer stores the content again); returns how many there were.</summary>
        int DeleteChunks(IEnumerable<BlobId> ids);
        /// <summary>Removes the index rows of those packs no chunk points to any more; returns their names (the files go after the commit).</summary>
        IReadOnlyList<string> DeleteEmptyPacks(IEnumerable<string> names);
    }

    /// <summary>A pack as the index records it, and how much of it the index still uses.</summary>
    public sealed record PackRecord(string Name, long Length, int Blobs, DateTime CreatedAt, long LiveBytes, int LiveChunks)
    {
        /// <summary>Bytes of the pack no index entry uses: chunks no longer indexed, copies indexed elsewhere, and its trailer.</summary>
        public long UnusedBytes => Length - LiveBytes;
    }

    /// <summary>How a backend is opened. Warn receives advisories (e.g. a store inside a sync folder).</summary>
    public sealed record StoreOpenOptions
    {
        public bool CreateIfMissing { get; set; }
        public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(60);
        public Action<string>? Warn { get; set; }
        public Actor Actor { get; set; } = Actor.Current;
    }
}
