using System.Collections.Generic;
using System.Threading;
using PersistStore.Engine.Model;
using PersistStore.Engine.Storage;

namespace PersistStore.Engine.History
{
    public sealed class HistoryService
    {
        private readonly IStoreBackend _store;

        public HistoryService(IStoreBackend store) => _store = store;

        public IReadOnlyList<HistoryRecord> Query(HistoryFilter filter, CancellationToken cancel = default) =>
            _store.Read(r => r.QueryHistory(filter), cancel);

        /// <summary>Every break in the chain of the whole log (empty when intact).</summary>
        public IReadOnlyList<string> VerifyChain(CancellationToken cancel = default) =>
            _store.Read(r => HistoryChain.Verify(r.QueryHistory(new HistoryFilter())), cancel);
    }
}
