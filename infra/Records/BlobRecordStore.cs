using System.Runtime.CompilerServices;
using AftSweep.Contracts.Trials;
using Azure;
using Azure.Storage.Blobs;

namespace AftSweep.Infra.Records;

/// <summary>Records in an Azure Blob container: sweepId/trialId.json (a blob upload is all-or-nothing).</summary>
public sealed class BlobRecordStore(BlobContainerClient container) : IRecordStore
{
    private readonly SemaphoreSlim _createGate = new(1, 1);
    private volatile bool _created;

    public async Task WriteAsync(TrialRecord record, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var blob = container.GetBlobClient(NameOf(record.SweepId, record.Spec.Id));
        await blob.UploadAsync(BinaryData.FromBytes(RecordJson.Serialize(record)), overwrite: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records first, then the state: blob storage has no transaction spanning both (see <see cref="IRecordStore"/>).
    /// No ConfigureAwait(false) here: <paramref name="writeState"/> is the grain's own state write, which must run on the
    /// grain's scheduler, so every await before it resumes there.
    /// </summary>
    public async Task WriteWithStateAsync(RecordChanges changes, Func<Task> writeState)
    {
        foreach (var key in changes.Deletes) await DeleteAsync(key.SweepId, key.TrialId);
        await Task.WhenAll(changes.Upserts.Select(r => WriteAsync(r)));
        await writeState();
    }

    /// <summary>The grid name is in the sweep's grain state; blob records have no typed table to fill.</summary>
    public Task RegisterSweepAsync(SweepEntry sweep, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public async Task<TrialRecord?> ReadAsync(string sweepId, string trialId, CancellationToken cancellationToken = default)
    {
        var name = NameOf(sweepId, trialId);
        try
        {
            var content = await container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return RecordJson.Deserialize(content.Value.Content.ToMemory().Span, $"blob {container.Name}/{name}");
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<bool> DeleteAsync(string sweepId, string trialId, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await container.GetBlobClient(NameOf(sweepId, trialId)).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    public async IAsyncEnumerable<TrialRecord> ReadAllAsync(string sweepId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var prefix = RecordJson.CheckId(sweepId, "sweep id") + "/";
        var names = new List<string>();
        try
        {
            await foreach (var item in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
                names.Add(item.Name);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            yield break;
        }
        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            BinaryData content;
            try
            {
                content = (await container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                continue;
            }
            yield return RecordJson.Deserialize(content.ToMemory().Span, $"blob {container.Name}/{name}");
        }
    }

    public string Describe() => $"blob container {container.Name}";

    private static string NameOf(string sweepId, string trialId) =>
        $"{RecordJson.CheckId(sweepId, "sweep id")}/{RecordJson.CheckId(trialId, "trial id")}.json";

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_created) return;
        await _createGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_created)
            {
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                _created = true;
            }
        }
        finally
        {
            _createGate.Release();
        }
    }
}
