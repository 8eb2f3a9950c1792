using System;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using PersistStore.Engine.Checking;
using PersistStore.Engine.Errors;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>
    /// Checks a store: the index, the change log's chain, packs against the index, every checkpoint's listings and
    /// chunks, and with -ReadData (or -ReadDataPercent) the chunks' bytes. Each problem is an object and, when it is an
    /// error, a non-terminating error record; a StoreCheck summary comes last.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "PersistStore", DefaultParameterSetName = "Structure")]
    [OutputType(typeof(StoreProblem), typeof(StoreCheck))]
    public sealed class TestPersistStoreCommand : StoreCmdlet
    {
        /// <summary>Read, decode and re-hash every chunk of every pack.</summary>
        [Parameter(ParameterSetName = "ReadData")]
        public SwitchParameter ReadData { get; set; }

        /// <summary>Read, decode and re-hash the chunks of this percent of the packs, chosen at random.</summary>
        [Parameter(ParameterSetName = "ReadDataPercent")]
        [ValidateRange(0.0, 100.0)]
        public double ReadDataPercent { get; set; }

        protected override void EndProcessing()
        {
            var (backend, resolved) = OpenStore(createIfMissing: false);
            string store = resolved.Location.Display;
            ForItem(store, () =>
            {
                var pump = new PipelinePump(6, $"Checking {store}");
                var options = new CheckOptions { ReadDataPercent = ReadData ? 100 : ReadDataPercent };
                var summary = pump.Run(this, () => new StoreChecker(backend, Caller).Run(options,
                    p => pump.Post(c => Report(c, ToObject(p, store))),
                    pump.PassProgress(), Cancellation));
                WriteObject(new StoreCheck
                {
                    Store = store, Passed = summary.Errors == 0, Errors = summary.Errors, Warnings = summary.Warnings, Runs = summary.Runs,
                    Checkpoints = summary.Checkpoints, CheckpointsAffected = summary.CheckpointsAffected, Listings = summary.Listings,
                    Chunks = summary.Chunks, Packs = summary.Packs, HistoryEntries = summary.HistoryEntries, PacksRead = summary.PacksRead,
                    BytesRead = summary.BytesRead, ReadMBPerSecond = Math.Round(summary.ReadMBPerSecond, 1), Duration = summary.Duration,
                    Phases = PipelinePump.Phases(summary.Phases),
                });
            });
        }

        private static void Report(Cmdlet c, StoreProblem p)
        {
            c.WriteObject(p);
            string affects = p.Checkpoints.Length == 0 ? "" : $" Affects {p.Checkpoints.Length} checkpoint(s) ({string.Join(", ", p.Checkpoints.Take(10))}{(p.Checkpoints.Length > 10 ? ", ..." : "")}) and {p.FilesAffected} file(s), first: {string.Join(", ", p.Files.Take(5))}.";
            if (p.Severity == nameof(ProblemSeverity.Warning)) c.WriteWarning(p.Message + affects);
            else c.WriteError(ErrorRecords.From(new PersistStoreException(p.Kind, ErrorKind.InvalidData, p.Target, p.Message + affects)));
        }

        internal static StoreProblem ToObject(Engine.Checking.StoreProblem p, string store) => new StoreProblem
        {
            Store = store, Kind = p.Kind, Severity = p.Severity.ToString(), Target = p.Target, Message = p.Message,
            Checkpoints = p.Checkpoints.ToArray(), Files = p.Files.ToArray(), FilesAffected = p.FilesAffected,
        };
    }
}
