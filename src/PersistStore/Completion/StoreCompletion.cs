using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using PersistStore.Engine.Stores;
using PersistStore.Engine.Storage;
using PersistStore.Infrastructure;

namespace PersistStore.Completion
{
    /// <summary>Completers read the store the command line names (-Store), else the same defaults the cmdlets use.</summary>
    public abstract class StoreCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string prefix = (wordToComplete ?? "").Trim('\'', '"');
            try
            {
                Loading.DependencyLoader.EnsureRegistered();
                return Candidates(prefix, fakeBoundParameters)
                    .Select(value => new CompletionResult(Quote(value), value, CompletionResultType.ParameterValue, value))
                    .ToList();
            }
            catch (Exception)
            {
                return Array.Empty<CompletionResult>();   // completion must never throw at the user
            }
        }

        private protected abstract IEnumerable<string> Candidates(string prefix, IDictionary fakeBoundParameters);

        private protected static StoreService OpenFor(IDictionary bound) => new StoreService(OpenBackendFor(bound));

        private protected static Engine.Storage.IStoreBackend OpenBackendFor(IDictionary bound)
        {
            StoreLocation? parameter = null;
            var value = bound.Contains("Store") ? PowerShellValues.Unwrap(bound["Store"]) : null;
            if (value is StoreInfo info) parameter = StoreResolver.Parse(info.ConnectionValue, System.IO.Path.GetFullPath);
            else if (value != null) parameter = StoreResolver.Parse(value.ToString()!, System.IO.Path.GetFullPath);
            var resolved = StoreResolver.Resolve(parameter, RunspaceSession.Current?.Store, System.IO.Path.GetFullPath);
            return StoreCatalog.Get(resolved, createIfMissing: false);
        }

        private static string Quote(string value) =>
            value.IndexOfAny(new[] { ' ', '\'', '"', '$', '`', ',', ';', '(', ')', '{', '}', '@', '#' }) >= 0
                ? "'" + value.Replace("'", "''") + "'" : value;
    }

    public sealed class RunNameCompleter : StoreCompleter
    {
        private protected override IEnumerable<string> Candidates(string prefix, IDictionary bound) => OpenFor(bound).CompleteRunNames(prefix);
    }

    public sealed class TagCompleter : StoreCompleter
    {
        private protected override IEnumerable<string> Candidates(string prefix, IDictionary bound) => OpenFor(bound).CompleteTags(prefix);
    }

    public sealed class OperationCompleter : StoreCompleter
    {
        private protected override IEnumerable<string> Candidates(string prefix, IDictionary bound) =>
            Engine.Model.Operations.All.Where(op => op.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
    }
}

namespace PersistStore.Completion
{
    /// <summary>Checkpoint numbers of the run named on the command line (-Run), newest first.</summary>
    public sealed class CheckpointNumberCompleter : StoreCompleter
    {
        private protected override IEnumerable<string> Candidates(string prefix, IDictionary bound)
        {
            var run = bound.Contains("Run") ? PowerShellValues.Unwrap(bound["Run"])?.ToString() : null;
            if (string.IsNullOrEmpty(run)) return Array.Empty<string>();
            var service = new Engine.Checkpoints.CheckpointService(OpenBackendFor(bound));
            return service.List(Engine.Runs.RunRef.Parse(run!)).Select(c => c.Number.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Reverse().ToList();
        }
    }
}
