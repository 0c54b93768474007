using System.Diagnostics;
using PluginAI.Retrieval;
using PluginAI.Runtime.Knowledge;

namespace PluginAI.Runtime.Evaluation;

/// <summary>
/// The retrieval evaluation use case: runs every question through <see cref="SearchService"/>, the search that the
/// command line and the server use, once per search mode, and scores hit@1, hit@5, MRR@10 and nDCG@10.
/// </summary>
public sealed class RetrievalEvaluationService(KnowledgeBaseService knowledgeBases)
{
    /// <summary>The number of passages retrieved for each question.</summary>
    public const int Depth = 10;

    /// <summary>Evaluates retrieval on a knowledge base.</summary>
    /// <param name="request">The knowledge base, questions and modes.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The scores per mode, with the questions each mode did not answer first.</returns>
    /// <exception cref="PluginException">The knowledge base does not exist.</exception>
    public async Task<RetrievalEvaluationReport> EvaluateAsync(RetrievalEvaluationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Questions.Count == 0)
        {
            throw new ArgumentException("The evaluation has no question.", nameof(request));
        }

        if (request.Modes.Count == 0)
        {
            throw new ArgumentException("The evaluation has no search mode.", nameof(request));
        }

        await using var session = await knowledgeBases.OpenAsync(request.KnowledgeBase, cancellationToken: cancellationToken).ConfigureAwait(false);
        var results = new List<RetrievalModeResult>();
        foreach (var mode in request.Modes.Distinct())
        {
            var watch = Stopwatch.StartNew();
            var judgements = new List<RetrievalJudgement>(request.Questions.Count);
            var misses = new List<RetrievalMiss>();
            foreach (var question in request.Questions)
            {
                var passages = await SearchService.SearchSessionAsync(session, new SearchRequest { Query = question.Question, Top = Depth, Mode = mode }, cancellationToken).ConfigureAwait(false);
                var judgement = RetrievalMetrics.Judge(question, passages, Depth);
                judgements.Add(judgement);
                if (judgement.Rank != 1)
                {
                    var first = passages.Count > 0 ? passages[0] : null;
                    misses.Add(new RetrievalMiss
                    {
                        Question = question,
                        Rank = judgement.Rank,
                        RankedFirst = first is null ? null : first.Section is { Length: > 0 } section ? $"{first.SourcePath} § {section}" : first.SourcePath,
                    });
                }
            }

            results.Add(RetrievalModeResult.From(mode, judgements, misses, watch.Elapsed));
        }

        return new RetrievalEvaluationReport { KnowledgeBase = request.KnowledgeBase, Questions = request.Questions.Count, Modes = results };
    }
}
