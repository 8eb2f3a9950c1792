using System.Management.Automation;
using PersistStore.Completion;
using PersistStore.Engine.Naming;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>Removes tags from a run (case-insensitively); tags the run does not carry are ignored.</summary>
    [Cmdlet(VerbsCommon.Remove, "RunTag", SupportsShouldProcess = true)]
    [OutputType(typeof(Run))]
    public sealed class RemoveRunTagCommand : RunCmdlet
    {
        // By property name too, so a CSV of Run,Tag rows pipes straight in (Import-Csv tags.csv | Set-RunTag -Append).
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TagCompleter))]
        public string[] Tag { get; set; } = new string[0];

        protected override void ProcessRecord() =>
            ChangeRun($"Remove tags [{string.Join(", ", Tag)}]",
                () => { foreach (var tag in Tag) TagList.ValidateOne(tag); },
                (runs, run) => runs.RemoveTags(run, Tag, Cancellation));
    }
}
