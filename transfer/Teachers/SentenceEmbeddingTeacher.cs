using AftSweep.Transfer.Bundled;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Numerics;
using AftSweep.Transfer.Teachers.Onnx;
using AftSweep.Transfer.Text;

namespace AftSweep.Transfer.Teachers;

/// <summary>
/// <c>onnx:minilm</c> and <c>onnx:arctic-xs</c>: sentence embeddings from the models embedded in the
/// SentenceTransformers NuGet packages, 384-d, each pooled by its own published recipe:
/// all-MiniLM-L6-v2 = mean pooling over the attention mask, then L2 normalisation (its sentence-transformers
/// modules: Transformer, Pooling(mean), Normalize; max_seq_length 256);
/// arctic-embed-xs = the [CLS] vector, L2-normalised (Snowflake's model card; max 512 tokens). Texts are embedded
/// as documents, without arctic's query prefix. Text is the dataset's rendered template.
/// </summary>
public sealed class SentenceEmbeddingTeacher : ITeacher
{
    public const string MiniLmSpec = "onnx:minilm";
    public const string ArcticXsSpec = "onnx:arctic-xs";

    private readonly Recipe _recipe;
    private readonly Lazy<SentenceEncoder> _encoder;
    private readonly Lazy<string> _identity;

    private sealed record Recipe(string Spec, EmbeddedModelPackage Package, Func<WordPieceTokenizer> Tokenizer,
        TextPooling Pooling, int MaxLength);

    private SentenceEmbeddingTeacher(Recipe recipe, TeacherOptions options)
    {
        _recipe = recipe;
        BundledModels.RequireFile(recipe.Package.DllPath);
        _encoder = new(() =>
        {
            var model = recipe.Package.ReadModel();
            return new SentenceEncoder(recipe.Spec, () => OnnxSessions.Open(recipe.Spec, model, recipe.Package.ModelResource, 1, options),
                options.TextWorkers, recipe.Tokenizer(), "last_hidden_state", recipe.Pooling, normalise: true, recipe.MaxLength,
                options.TextBatchSize);
        });
        _identity = new(() => ModelHash.Identity(recipe.Spec, ModelHash.OfFile(recipe.Package.DllPath),
            $"tokenizer=bert-wordpiece-uncased;maxLength={recipe.MaxLength};output=last_hidden_state;pooling={recipe.Pooling};normalise=l2"));
    }

    public static SentenceEmbeddingTeacher MiniLm(TeacherOptions options) =>
        new(new Recipe(MiniLmSpec, BundledModels.MiniLm, () => WordPieceTokenizer.MiniLm, TextPooling.Mean, 256), options);

    public static SentenceEmbeddingTeacher ArcticXs(TeacherOptions options) =>
        new(new Recipe(ArcticXsSpec, BundledModels.ArcticXs, () => WordPieceTokenizer.ArcticXs, TextPooling.Cls, 512), options);

    public string Spec => _recipe.Spec;
    public int Dim => 384;
    public string Identity => _identity.Value;
    public int MaxLength => _recipe.MaxLength;

    public Task<FeatureMatrix> ExtractAsync(LoadedDataset dataset, SplitName split, int startRow, int rowCount,
        IProgress<int>? rowsDone, CancellationToken cancellationToken)
    {
        var rows = TeacherInputs.Range(dataset, split, startRow, rowCount);
        var texts = TeacherInputs.Texts(Spec, dataset, rows);
        var encoder = _encoder.Value;
        if (encoder.Dim != Dim) throw new TeacherException(Spec, $"model outputs {encoder.Dim}-d vectors, expected {Dim}");
        return encoder.EncodeAsync(new ArraySegment<string>(texts, startRow, rowCount), rowsDone, cancellationToken);
    }

    public void Dispose()
    {
        if (_encoder.IsValueCreated) _encoder.Value.Dispose();
    }
}
