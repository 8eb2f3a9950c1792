using System;
using System.Management.Automation;
using PersistStore.Completion;
using PersistStore.Engine.History;
using PersistStore.Engine.Model;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>The change log, oldest first: every mutation with who, where, when and what.</summary>
    [Cmdlet(VerbsCommon.Get, "RunHistory")]
    [OutputType(typeof(HistoryEntry))]
    public sealed class GetRunHistoryCommand : StoreCmdlet
    {
        /// <summary>Only this run's entries (by name, so the history of a removed run stays reachable).</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("RunName", "Name")]
        [ArgumentCompleter(typeof(RunNameCompleter))]
        public RunIdentity? Run { get; set; }

        [Parameter]
        [ArgumentCompleter(typeof(OperationCompleter))]
        public string[]? Operation { get; set; }

        [Parameter]
        public DateTime? Since { get; set; }

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? Last { get; set; }

        protected override void ProcessRecord()
        {
            var (backend, _) = OpenStore(createIfMissing: false, Run);
            ForItem(Run, () =>
            {
                var runRef = Run == null ? null : ToRunRef(Run);
                var filter = new HistoryFilter
                {
                    RunId = runRef?.Id, RunName = runRef?.Name, Operations = Operation ?? Array.Empty<string>(),
                    Since = Since, Last = Last,
                };
                foreach (var entry in new HistoryService(backend).Query(filter, Cancellation))
                    WriteObject(OutputObjects.ToHistoryEntry(entry));
            });
        }
    }
}
