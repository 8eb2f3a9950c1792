using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PersistStore.Completion;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Model;
using PersistStore.Engine.Runs;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>Runs by name (wildcards), id, all-of tags (-Tag) and any-of tags (-AnyTag); tag filters use the tag index.</summary>
    [Cmdlet(VerbsCommon.Get, "Run", DefaultParameterSetName = NameSet)]
    [OutputType(typeof(Run))]
    public sealed class GetRunCommand : StoreCmdlet
    {
        private const string NameSet = "Name";
        private const string IdSet = "Id";

        [Parameter(Position = 0, ParameterSetName = NameSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("RunName")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(RunNameCompleter))]
        public string[]? Name { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
        public Guid[] Id { get; set; } = Array.Empty<Guid>();

        [Parameter]
        [ArgumentCompleter(typeof(TagCompleter))]
        public string[]? Tag { get; set; }

        [Parameter]
        [ArgumentCompleter(typeof(TagCompleter))]
        public string[]? AnyTag { get; set; }

        protected override void ProcessRecord()
        {
            var (backend, resolved) = OpenStore(createIfMissing: false);
            var service = new RunService(backend, Caller);
            var filter = new RunFilter
            {
                NamePatterns = Name ?? Array.Empty<string>(), Ids = Id,
                AllTags = Tag ?? Array.Empty<string>(), AnyTags = AnyTag ?? Array.Empty<string>(),
            };
            IReadOnlyList<RunRecord> runs = Array.Empty<RunRecord>();
            ForItem(null, () => runs = service.Query(filter, Cancellation));
            foreach (var run in runs) WriteObject(OutputObjects.ToRun(run, resolved.Location));
            ReportMissing(runs);
        }

        /// <summary>As Get-Process does: a literal name or id that matched nothing is an error; a wildcard is not.</summary>
        private void ReportMissing(IReadOnlyList<RunRecord> runs)
        {
            if (Tag != null || AnyTag != null) return;
            foreach (var name in Name ?? Array.Empty<string>())
                if (!WildcardPattern.ContainsWildcardCharacters(name) && !runs.Any(r => r.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))
                    WriteError(ErrorRecords.From(new RunNotFoundException(name)));
            foreach (var id in Id)
                if (!runs.Any(r => r.Id == id))
                    WriteError(ErrorRecords.From(new RunNotFoundException(id.ToString("D"))));
        }
    }
}
