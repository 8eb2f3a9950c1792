using System;
using System.Collections.Generic;
using System.Globalization;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Locking;
using PersistStore.Engine.Model;
using PersistStore.Engine.Packs;

namespace PersistStore.Engine.Storage.Sqlite
{
    /// <summary>The reader/writer handed to one Read or Write unit of work.</summary>
    internal sealed class SqliteSession : IStoreWriter
    {
        private readonly SqliteDb _db;
        private readonly SqliteStore _store;

        public SqliteSession(SqliteDb db, SqliteStore store)
        {
            _db = db;
            _store = store;
        }

        public RunRecord? FindRunByName(string name) => SqliteRunRows.FindByName(_db, name);
        public RunRecord? FindRunById(Guid id) => SqliteRunRows.FindById(_db, id);
        public IReadOnlyList<RunRecord> QueryRuns(RunFilter filter) => SqliteRunRows.Query(_db, filter);
        public IReadOnlyList<HistoryRecord> QueryHistory(HistoryFilter filter) => SqliteHistoryRows.Query(_db, filter);
        public HistoryRecord? LastHistoryEntry() => SqliteHistoryRows.Last(_db);
        public IReadOnlyList<string> ListRunNames(string prefix, int limit) => SqliteRunRows.ListNames(_db, prefix, limit);
        public IReadOnlyList<string> ListTags(string prefix, int limit) => SqliteRunRows.ListTags(_db, prefix, limit);

        public ISet<BlobId> ExistingBlobs(IReadOnlyCollection<BlobId> ids)
        {
            var found = SqliteBlobRows.Existing(_db, ids);
            foreach (var id in ids) if (!found.Contains(id) && SqliteChunkRows.Exists(_db, id)) found.Add(id);
            if (found.Count > 0 && SqliteBlobMarks.Any(_db)) found.RemoveWhere(id => SqliteBlobMarks.IsMarked(_db, id));
            return found;
        }

        /// <summary>Listings are rows; chunks are read from their pack (a missing or short pack is an error naming it).</summary>
        public bool ReadBlob(BlobId id, StoredBlobHandler handle)
        {
            if (SqliteBlobRows.Read(_db, id, handle)) return true;
            var place = SqliteChunkRows.Find(_db, id);
            if (place == null) return false;
            try { PackReader.ReadBlob(_store.Packs, place.Value.Pack, place.Value.Entry, handle); }
            catch (StoreFormatException e) when (e.ErrorId == "BlobDamaged")
            {
                // The decoder knows the chunk; the index knows where it lies: say both.
                throw new StoreFormatException(e.ErrorId, id.ToString(), $"{e.Message} The chunk lies in the pack '{place.Value.Pack}' at byte {place.Value.Entry.Offset}.", e);
            }
            return true;
        }

        public (int Count, long Bytes) IndexPack(PackInfo pack) => SqliteChunkRows.IndexPack(_db, pack, DateTime.UtcNow);
        public IReadOnlyList<CheckpointRecord> QueryCheckpoints(Guid runId, int? number = null) => SqliteCheckpointRows.Query(_db, runId, number);
        public CheckpointRecord? LatestCheckpoint(Guid runId) => SqliteCheckpointRows.Latest(_db, runId);
        public int LastCheckpointNumber(Guid runId) => SqliteCheckpointRows.LastNumber(_db, runId);
        public int DeleteCheckpoints(Guid runId, IReadOnlyCollection<int> numbers) => SqliteCheckpointRows.Delete(_db, runId, numbers);
        public IReadOnlyList<BlobId> RootTrees() => SqliteCheckpointRows.RootTrees(_db);

        /// <summary>Listings (rows, their stored bytes inline) and chunks (their length in a pack).</summary>
        public void ForEachBlob(Action<BlobId, long> visit)
        {
            foreach (var sql in new[] { "SELECT id, length(data) FROM blobs", "SELECT id, length FROM chunks" })
            {
                using var cmd = _db.Command(sql);
                using var r = cmd.ExecuteReader();
                while (r.Read()) visit(new BlobId((byte[])r[0]), r.GetInt64(1));
            }
        }
        public (int Count, long Bytes) PutBlobs(IEnumerable<(EncodedBlob Blob, BlobKind Kind)> blobs) => SqliteBlobRows.Put(_db, blobs);
        public void InsertCheckpoint(CheckpointRecord checkpoint) => SqliteCheckpointRows.Insert(_db, checkpoint);

        public RunLock? FindLock(Guid runId) => SqliteLockRows.Find(_db, runId);
        public IReadOnlyList<RunLock> ListLocks() => SqliteLockRows.All(_db);
        public void PutLock(RunLock runLock) => SqliteLockRows.Put(_db, runLock);
        public bool DeleteLock(Guid runId, Guid lockId) => SqliteLockRows.Delete(_db, runId, lockId);
        public bool RenewLock(Guid runId, Guid lockId, DateTime renewedAt, DateTime expiresAt) => SqliteLockRows.Renew(_db, runId, lockId, renewedAt, expiresAt);

        public StoreSummary Summarize() => new StoreSummary
        {
            Location = _store.Location.Display,
            Backend = _store.BackendName,
            FormatVersion = _store.FormatVersion,
            StoreId = Convert.ToString(_db.Scalar("SELECT value FROM store_meta WHERE key = 'store_id'"), CultureInfo.InvariantCulture) ?? "",
            Runs = Count("SELECT COUNT(*) FROM runs"),
            HistoryEntries = Count("SELECT COUNT(*) FROM history"),
            Checkpoints = Count("SELECT COUNT(*) FROM checkpoints"),
            Chunks = Count("SELECT COUNT(*) FROM chunks") + Count("SELECT COUNT(*) FROM blobs WHERE kind = 0"),
            LogicalBytes = Count("SELECT COALESCE(SUM(logical_bytes), 0) FROM checkpoints"),
            StoredBytes = Count("SELECT COALESCE(SUM(length(data)), 0) FROM blobs") + Count("SELECT COALESCE(SUM(length), 0) FROM chunks"),
            Packs = Count("SELECT COUNT(*) FROM packs"),
            PackBytes = Count("SELECT COALESCE(SUM(length), 0) FROM packs"),
        };

        public void InsertRun(RunRecord run) => SqliteRunRows.Insert(_db, run);
        public void UpdateRun(RunRecord run) => SqliteRunRows.Update(_db, run);
        public void DeleteRun(Guid id) => SqliteRunRows.Delete(_db, id);

        public HistoryRecord AppendHistory(HistoryDraft draft, Actor actor, DateTime timeUtc) =>
            SqliteHistoryRows.Append(_db, draft, actor, timeUtc);

        private long Count(string sql) => Convert.ToInt64(_db.Scalar(sql), CultureInfo.InvariantCulture);
    }
}
