using Listening.Core.Configuration;
using Listening.Core.Ingestion;
using Listening.Core.Meta.Sample;
using Listening.Core.Contracts;
using Listening.Core.Meta;

namespace Listening.Core.Tests.Sample;

public sealed class DemoPageTests
{
    // The window includes the last Sunday of October 2026 (the 25th), when Berlin falls back to CET.
    private static readonly DateOnly AutumnStart = new(2026, 10, 10);

    private static readonly LocalCalendar Berlin = new("Europe/Berlin");

    private static DemoPage Page(DateOnly? firstDay = null) => new(firstDay ?? AutumnStart, Berlin);

    private static DateTimeOffset StartOfDay(DemoPage page, int day) => Berlin.StartOf(page.FirstDay.AddDays(day));

    private static DemoPost Story(DemoPage page, ScriptedPost post) => page.StoryPosts[DemoScript.NumberOf(post) - 1];

    private static PageCapture AfterTheStory(DemoPage page) => page.Observe(StartOfDay(page, DemoScript.StoryDays), DemoScript.StoryDays);

    private static double Median(IEnumerable<long> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2.0;
    }

    private static string Wire(PageCapture capture) => string.Join('\n', SnapshotSplitter.Split(capture).Select(MessageCodec.Encode));

    [Fact]
    public void Two_pages_with_the_same_first_day_show_the_same_capture_byte_for_byte()
    {
        var one = new DemoPage(AutumnStart, new LocalCalendar("Europe/Berlin"));
        var two = new DemoPage(AutumnStart, new LocalCalendar("Europe/Berlin"));
        var at = StartOfDay(one, -1);
        var compared = 0;
        for (; at < StartOfDay(one, 36); at = at.AddMinutes(437))
        {
            Assert.Equal(Wire(one.Observe(at, 7)), Wire(two.Observe(at, 7)));
            compared++;
        }

        Assert.True(compared > 100);
        var late = StartOfDay(one, 30);
        Assert.NotEqual(Wire(one.Observe(late, 30)), Wire(Page(AutumnStart.AddDays(1)).Observe(late, 30)));
    }

    [Theory]
    [InlineData(2026, 10, 10)]
    [InlineData(2027, 3, 20)]
    public void Post_counters_never_decrease_between_hourly_observations(int year, int month, int day)
    {
        var page = Page(new DateOnly(year, month, day));
        var previous = new Dictionary<string, PostObservation>(StringComparer.Ordinal);
        for (var at = StartOfDay(page, -1); at <= StartOfDay(page, 45); at = at.AddHours(1))
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var post in page.Observe(at, 120).Posts)
            {
                Assert.True(seen.Add(post.Id), $"{post.Id} twice at {at:O}");
                if (previous.TryGetValue(post.Id, out var before))
                {
                    Assert.False((post.Reactions - before.Reactions).AnyNegative, $"{post.Id} lost reactions at {at:O}");
                    Assert.True(post.Comments >= before.Comments, $"{post.Id} lost comments at {at:O}");
                    Assert.True(post.Shares >= before.Shares, $"{post.Id} lost shares at {at:O}");
                }

                previous[post.Id] = post;
            }

            // With a 120-day look-back no post may vanish once it has appeared.
            Assert.Equal(previous.Count, seen.Count);
        }

        Assert.All(previous.Values, p => Assert.True(p.Reactions.Total > 0 && p.Comments >= 0, p.Id));
        Assert.Equal(DemoScript.Posts.Count + 8 + page.HistoryPosts.Count, previous.Count);
    }

    [Fact]
    public void Followers_never_fall_except_for_a_few_unfollows_after_the_giveaway()
    {
        var page = Page();
        var unfollowFrom = page.LocalInstant(DemoScript.UnfollowFromDay, DemoScript.UnfollowTime);
        var unfollowTo = page.LocalInstant(DemoScript.UnfollowToDay, DemoScript.UnfollowTime);
        long? before = null;
        long peakBeforeUnfollows = 0;
        long lowestWhileUnfollowing = long.MaxValue;
        for (var at = StartOfDay(page, -1); at <= StartOfDay(page, 45); at = at.AddHours(1))
        {
            var capture = page.Observe(at, 7);
            var followers = capture.Followers!.Value;
            var fans = capture.Fans!.Value;
            Assert.InRange(followers - fans, 1, 40);
            var unfollowing = at > unfollowFrom && at <= unfollowTo.AddHours(1);
            if (before is { } b && !unfollowing)
            {
                Assert.True(followers >= b, $"followers fell from {b} to {followers} at {at:O}");
            }

            if (at <= unfollowFrom)
            {
                peakBeforeUnfollows = followers;
            }
            else if (unfollowing)
            {
                lowestWhileUnfollowing = Math.Min(lowestWhileUnfollowing, followers);
            }

            before = followers;
        }

        Assert.InRange(peakBeforeUnfollows - lowestWhileUnfollowing, 3, 10);
        Assert.True(lowestWhileUnfollowing >= 1000, "the unfollows must not undo the 1,000 milestone");
    }

    [Fact]
    public void Followers_cross_1000_within_three_days_of_the_giveaway()
    {
        var page = Page();
        var giveaway = Story(page, DemoScript.Giveaway).CreatedTime;

        var atStart = page.Observe(StartOfDay(page, 0), 7).Followers!.Value;
        var atGiveaway = page.Observe(giveaway, 7).Followers!.Value;
        var threeDaysLater = page.Observe(giveaway.AddDays(3), 7).Followers!.Value;
        var atEnd = AfterTheStory(page);

        Assert.InRange(atStart, 930, 960);
        Assert.True(atGiveaway < 1000, $"{atGiveaway} followers before the giveaway");
        Assert.True(threeDaysLater >= 1000, $"{threeDaysLater} followers three days after the giveaway");
        Assert.True(threeDaysLater - atGiveaway >= 40, "the giveaway brings a jump, not a trickle");
        Assert.True(atEnd.Followers > 1000 && atEnd.Fans < atEnd.Followers);
    }

    [Fact]
    public void Before_the_first_day_the_Page_has_60_days_of_history_and_grows_to_the_starting_followers()
    {
        var page = Page();
        var justBefore = page.Observe(StartOfDay(page, 0).AddTicks(-1), 90);
        var historyStart = page.Observe(StartOfDay(page, -DemoScript.HistoryDays), 90);
        var beforeHistory = page.Observe(StartOfDay(page, -DemoScript.HistoryDays).AddTicks(-1), 7);

        Assert.Equal(DemoScript.StartFollowers, justBefore.Followers);
        Assert.InRange(historyStart.Followers!.Value, 870, 920);
        Assert.Empty(beforeHistory.Posts);
        Assert.Equal(page.HistoryPosts.Count, justBefore.Posts.Count);
        Assert.InRange(page.HistoryPosts.Count, 50, 70);
        Assert.All(page.HistoryPosts, p => Assert.InRange(p.CreatedTime, StartOfDay(page, -DemoScript.HistoryDays), StartOfDay(page, 0)));
        Assert.Equal(page.HistoryPosts.Count, page.HistoryPosts.Select(p => p.Id).Distinct().Count());
        Assert.True(justBefore.Demo);
        Assert.Equal(DemoPage.PageId, justBefore.PageId);
        Assert.Equal(DemoPage.PageName, justBefore.PageName);
    }

    [Theory]
    [InlineData(2026, 10, 10)]
    [InlineData(2026, 11, 1)]
    [InlineData(2027, 3, 20)]
    public void The_history_follows_a_weekly_plan_where_apprenticeship_Reels_and_morning_service_posts_do_best(int year, int month, int day)
    {
        var page = Page(new DateOnly(year, month, day));
        var history = page.HistoryPosts.Select(p => (Post: p, Local: Berlin.ToLocal(p.CreatedTime))).ToList();
        var reels = history.Where(h => h.Post.Format == PostFormats.Reel).ToList();
        var morningService = history.Where(h => h.Post.Topic == DemoTopic.Service && h.Local.Hour == 8).ToList();
        var eveningService = history.Where(h => h.Post.Topic == DemoTopic.Service && h.Local.Hour == 18).ToList();

        Assert.True(reels.Count >= 8);
        Assert.All(reels, r => Assert.Equal((DemoTopic.Ausbildung, DayOfWeek.Friday, 15), (r.Post.Topic, r.Local.DayOfWeek, r.Local.Hour)));
        Assert.True(reels.Min(r => r.Post.FinalReach) > history.Where(h => h.Post.Topic != DemoTopic.Gewinnspiel && h.Post.Format != PostFormats.Reel).Max(h => h.Post.FinalReach));
        Assert.True(morningService.Count >= 12 && eveningService.Count >= 12);
        Assert.True(morningService.Min(h => h.Post.FinalReach) > eveningService.Max(h => h.Post.FinalReach));
        Assert.Single(history, h => h.Post.Topic == DemoTopic.Gewinnspiel);

        // Every slot of the plan holds at least MinPostsPerCell (3) posts, so the heat map shows figures.
        Assert.All(history.Where(h => h.Post.Topic != DemoTopic.Gewinnspiel).GroupBy(h => (h.Local.DayOfWeek, h.Local.Hour)), g => Assert.True(g.Count() >= 3, g.Key.ToString()));

        // Only the two story images lack a written alternative text.
        Assert.All(history, h => Assert.True(h.Post.Accessibility is null or { Images: 0 } || h.Post.Accessibility.ImagesWithAltText == h.Post.Accessibility.Images, h.Post.Id));
        Assert.Equal(
            DemoPost.WithoutAltText.Order(),
            page.StoryPosts.Where(p => p.Accessibility is { Images: > 0 } a && a.ImagesWithAltText < a.Images).Select(p => p.Number).Order());
    }

    [Fact]
    public void The_giveaway_post_has_by_far_the_most_reactions_and_comments()
    {
        var page = Page();
        var posts = AfterTheStory(page).Posts;
        var giveawayId = Story(page, DemoScript.Giveaway).Id;
        var giveaway = Assert.Single(posts, p => p.Id == giveawayId);

        Assert.Equal(DemoScript.Posts.Count, posts.Count);
        Assert.Equal(giveawayId, posts.MaxBy(p => p.Reactions.Total)!.Id);
        Assert.Equal(giveawayId, posts.MaxBy(p => p.Comments)!.Id);
        Assert.True(giveaway.Reactions.Total >= 10 * Median(posts.Select(p => p.Reactions.Total)));
        Assert.True(giveaway.Comments >= 10 * Median(posts.Select(p => p.Comments)));
        Assert.True(giveaway.Shares >= 10 * Median(posts.Select(p => p.Shares)));
        Assert.InRange(DemoScript.Giveaway.Day, 8, 12);
        Assert.InRange(DemoScript.Giveaway.Reach, 50_000, 54_000);
        Assert.Contains("Kommentiert, um zu gewinnen", giveaway.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_storm_warning_draws_angry_and_sad_reactions_a_burst_of_comments_and_shares()
    {
        var page = Page();
        var storm = Story(page, DemoScript.StormWarning);
        var all = AfterTheStory(page).Posts;

        var early = Assert.Single(page.Observe(storm.CreatedTime.AddHours(3), 7).Posts, p => p.Id == storm.Id);
        var final = Assert.Single(all, p => p.Id == storm.Id);

        Assert.InRange(DemoScript.StormWarning.Day, 20, 24);
        Assert.True(early.Reactions.Total > 0);
        Assert.True((double)(early.Reactions.Angry + early.Reactions.Sad) / early.Reactions.Total > 0.3);
        Assert.True((double)(final.Reactions.Angry + final.Reactions.Sad) / final.Reactions.Total > 0.3);
        Assert.True(early.Comments >= final.Comments / 2, "most comments arrive within three hours");
        Assert.True(final.Comments >= 10 * Median(all.Select(p => p.Comments)));
        Assert.True(final.Shares >= 10 * Median(all.Select(p => p.Shares)));
        Assert.Matches("(?i)unwetter|sturm", final.Message);
    }

    [Fact]
    public void Reactions_grow_fast_in_the_first_hours_and_then_flatten()
    {
        var page = Page();
        var post = page.StoryPosts[0];
        long At(double hours) => Assert.Single(page.Observe(post.CreatedTime.AddHours(hours), 7).Posts, p => p.Id == post.Id).Reactions.Total;

        Assert.Equal(0, At(0));
        Assert.True(At(4) > post.FinalReactions.Total / 2, "half of the reactions arrive within a few hours");
        Assert.True(At(24) - At(12) < At(4) - At(0), "the second half-day adds less than the first hours");
        Assert.Equal(post.FinalReactions.Total, At(72));
    }

    [Fact]
    public void Observe_returns_only_posts_created_in_the_lookback_window_newest_first()
    {
        var page = Page();
        var created = Story(page, DemoScript.StormWarning).CreatedTime;
        var id = Story(page, DemoScript.StormWarning).Id;
        bool Shows(DateTimeOffset at, int lookbackDays) => page.Observe(at, lookbackDays).Posts.Any(p => p.Id == id);

        Assert.False(Shows(created.AddTicks(-1), 7));
        Assert.True(Shows(created, 7));
        Assert.True(Shows(created.AddDays(7).AddTicks(-1), 7));
        Assert.False(Shows(created.AddDays(7), 7));
        Assert.False(Shows(created.AddDays(2), 1));
        Assert.Equal(0, Assert.Single(page.Observe(created, 7).Posts, p => p.Id == id).Reactions.Total);

        for (var at = StartOfDay(page, 0); at < StartOfDay(page, 34); at = at.AddMinutes(383))
        {
            var capture = page.Observe(at, 3);
            Assert.Equal(at, capture.CapturedAt);
            Assert.All(capture.Posts, p => Assert.InRange(p.CreatedTime, at.AddDays(-3).AddTicks(1), at));
            Assert.Equal(capture.Posts.OrderByDescending(p => p.CreatedTime).Select(p => p.Id), capture.Posts.Select(p => p.Id));
        }
    }

    [Theory]
    [InlineData(2026, 10, 10)]
    [InlineData(2027, 3, 20)]
    public void Posts_land_on_their_scripted_local_times_across_daylight_saving(int year, int month, int day)
    {
        var page = Page(new DateOnly(year, month, day));
        var posts = AfterTheStory(page).Posts.ToDictionary(p => p.Id, StringComparer.Ordinal);

        foreach (var scripted in DemoScript.Posts)
        {
            var post = posts[DemoPage.PostId(DemoScript.NumberOf(scripted))];
            var local = Berlin.ToLocal(post.CreatedTime);
            Assert.Equal(TimeSpan.Zero, post.CreatedTime.Offset);
            Assert.Equal(page.FirstDay.AddDays(scripted.Day), DateOnly.FromDateTime(local.DateTime));
            Assert.Equal(scripted.LocalTime, TimeOnly.FromDateTime(local.DateTime));
        }
    }

    [Fact]
    public void Posts_before_and_after_the_October_clock_change_keep_their_local_time()
    {
        var page = Page();
        var posts = AfterTheStory(page).Posts;

        // Day 14 is Saturday 24 October (CEST, UTC+2); day 15 is Sunday 25 October, already CET (UTC+1).
        var saturday = posts.Where(p => Berlin.DateOf(p.CreatedTime) == new DateOnly(2026, 10, 24)).Min(p => p.CreatedTime);
        var sunday = posts.Where(p => Berlin.DateOf(p.CreatedTime) == new DateOnly(2026, 10, 25)).Min(p => p.CreatedTime);
        Assert.Equal(new DateTimeOffset(2026, 10, 24, 6, 30, 0, TimeSpan.Zero), saturday);
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 9, 15, 0, TimeSpan.Zero), sunday);
    }

    [Fact]
    public void The_script_posts_up_to_twice_a_day_in_office_hours_within_30_days()
    {
        Assert.All(DemoScript.Posts, p =>
        {
            Assert.InRange(p.Day, 0, DemoScript.StoryDays - 1);
            Assert.InRange(p.LocalTime, new TimeOnly(7, 30), new TimeOnly(18, 0));
            Assert.InRange(p.Text.Length, 40, MessageSchema.MaxMessageLength);
        });
        Assert.All(DemoScript.Posts.GroupBy(p => p.Day), g => Assert.InRange(g.Count(), 1, 2));
        Assert.Equal(DemoScript.Posts.OrderBy(p => p.Day).ThenBy(p => p.LocalTime), DemoScript.Posts);
        Assert.InRange(DemoScript.Posts.Select(p => p.Day).Distinct().Count(), 24, 29);
    }

    [Fact]
    public void Ids_and_permalinks_have_the_Graph_shape_and_fit_a_table_key()
    {
        var page = Page();
        var posts = page.Observe(StartOfDay(page, 40), 45).Posts;

        Assert.Equal(posts.Count, posts.Select(p => p.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(posts, p =>
        {
            Assert.Matches(@"^100000000000001_[1-9][0-9]*$", p.Id);
            Assert.True(StorageKey.IsValid(p.Id));
            Assert.Equal($"https://www.facebook.com/{DemoPage.PageId}/posts/{p.Id.Split('_')[1]}", p.Permalink);
        });
    }

    [Theory]
    [InlineData("Ausbildung", "Ausbildung")]
    [InlineData("SchuelerBafoeg", "BAföG")]
    [InlineData("Reitkennzeichen", "Reitkennzeichen")]
    [InlineData("Umwelt", "Umwelt")]
    [InlineData("Gewinnspiel", "Gewinnspiel")]
    [InlineData("Unwetter", "Sturm")]
    public void Every_post_of_a_topic_names_it(string topicName, string word)
    {
        var topic = Enum.Parse<DemoTopic>(topicName);
        var texts = DemoScript.Posts.Where(p => p.Topic == topic).Select(p => p.Text)
            .Concat(DemoScript.QuietPosts.Where(p => p.Topic == topic).Select(p => p.Text)).ToList();

        Assert.True(texts.Count >= 2, $"{topic} needs a story");
        Assert.All(texts, t => Assert.Contains(word, t, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Messages_are_German()
    {
        string[] germanWords = [" und ", " der ", " die ", " das ", " ihr ", " wir ", " für ", " euch ", " ist ", " im ", " dem ", " den ", " es ", " mit ", " bei "];
        var texts = DemoScript.Posts.Select(p => p.Text).Concat(DemoScript.QuietPosts.Select(p => p.Text)).ToList();

        Assert.All(texts, t => Assert.Contains(germanWords, w => t.Contains(w, StringComparison.Ordinal)));
        Assert.Contains(texts, t => t.Contains("Jetzt bewerben", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("Unwetterwarnung", StringComparison.OrdinalIgnoreCase));
        Assert.True(texts.Count(t => t.Contains('#', StringComparison.Ordinal)) >= texts.Count / 2, "hashtags are common");
    }

    [Fact]
    public void After_the_story_the_page_posts_quietly_every_other_day()
    {
        var page = Page();
        var quiet = page.Observe(StartOfDay(page, 40), 10).Posts;

        Assert.Equal(5, quiet.Count);
        Assert.All(quiet, p =>
        {
            Assert.True(p.Reactions.Total < 50 && p.Comments < 10, p.Id);
            Assert.True(int.Parse(p.Id.Split('_')[1], System.Globalization.CultureInfo.InvariantCulture) > DemoScript.Posts.Count);
            Assert.Equal(new TimeOnly(10, 0), TimeOnly.FromDateTime(Berlin.ToLocal(p.CreatedTime).DateTime));
        });
    }

    [Fact]
    public void The_storm_day_comments_triage_into_questions_urgent_ones_and_exactly_one_insult()
    {
        var page = Page();
        var rules = Listening.Core.Comments.CommentRules.From();
        var stormDay = Berlin.DateOf(Story(page, DemoScript.StormWarning).CreatedTime);
        var people = page.StoryComments.Where(c => !c.ByPage).ToList();
        var storm = people.Where(c => Berlin.DateOf(c.CreatedTime) == stormDay).GroupBy(c => rules.Triage(c.Text)).ToDictionary(g => g.Key, g => g.ToList());
        var answered = page.StoryComments.Where(c => c.ByPage).Select(c => c.ParentId).ToHashSet(StringComparer.Ordinal);

        Assert.Single(people, c => rules.Triage(c.Text) == Listening.Core.Comments.CommentRules.Abusive);
        Assert.Single(storm[Listening.Core.Comments.CommentRules.Abusive]);
        Assert.True(storm[Listening.Core.Comments.CommentRules.Urgent].Count >= 3);
        Assert.Contains(storm[Listening.Core.Comments.CommentRules.Urgent], c => c.Text == "Bei uns ist der Keller voll, wer hilft?");
        var questions = storm[Listening.Core.Comments.CommentRules.Question];
        Assert.Contains(questions, c => c.Text == "Wo gibt es Sandsäcke?");
        Assert.InRange(questions.Count(q => answered.Contains(q.Id)), 1, questions.Count - 1);
        Assert.Contains(storm[Listening.Core.Comments.CommentRules.Urgent], c => answered.Contains(c.Id));
    }

    [Fact]
    public void Comments_come_with_the_pull_that_asks_for_them_on_the_posts_it_shows_and_replies_name_their_thread()
    {
        var page = Page();
        var at = StartOfDay(page, 22).AddHours(12);
        var since = at.AddHours(-3);

        Assert.Empty(page.Observe(at, 7).Comments);
        var capture = page.Observe(at, 7, since);
        Assert.NotEmpty(capture.Comments);
        var posts = capture.Posts.ToDictionary(p => p.Id, StringComparer.Ordinal);
        Assert.All(capture.Comments, c =>
        {
            Assert.InRange(c.CreatedTime!.Value, since, at);
            Assert.Equal(at, c.EventTime);
            Assert.Equal(CommentVerb.Add, c.Verb);
            Assert.True(posts.TryGetValue(c.PostId, out var post), c.CommentId);
            Assert.True(c.CreatedTime > post!.CreatedTime, c.CommentId);
            Assert.True(MessageCodec.IsEventId(c.CommentId), c.CommentId);
            Assert.Null(MessageCodec.EventProblem(c, at));
            Assert.Equal(c.ByPage, !c.IsTopLevel);
        });

        // Every reply of the Page answers a comment the pull delivers too, in time after it.
        var all = page.Observe(StartOfDay(page, 30), DemoScript.StoryDays + 1, StartOfDay(page, 0)).Comments;
        Assert.Equal(page.StoryComments.Count, all.Count);
        var byId = all.ToDictionary(c => c.CommentId, StringComparer.Ordinal);
        Assert.All(all.Where(c => c.ByPage), r => Assert.True(byId[r.ParentId!].CreatedTime < r.CreatedTime, r.CommentId));
    }

    [Fact]
    public void The_linked_Instagram_account_tells_the_same_story_apprenticeship_Reels_outreach_the_Pages_posts()
    {
        var page = Page();
        var end = StartOfDay(page, DemoScript.StoryDays + 3);
        var media = page.Instagram.Media.Select(m => (m, Final: m.ObservedAt(end))).ToList();
        var reels = media.Where(x => x.Final.ProductType == InstagramMetrics.Reels).ToList();
        var facebook = page.StoryPosts.ToList();
        long Reach(PostObservation post) => post.Metrics![MetricNames.PostReach];
        var fbFinal = facebook.ToDictionary(p => p.Id, p => Reach(p.ObservedAt(end)), StringComparer.Ordinal);

        Assert.True(reels.Count >= 4);
        Assert.All(reels, r => Assert.Contains("#Ausbildung", r.Final.Caption!, StringComparison.Ordinal));
        Assert.All(reels, r => Assert.Equal("VIDEO", r.Final.MediaType));
        var bestApprenticeshipPost = facebook.Where(p => p.Topic == DemoTopic.Ausbildung).Max(p => fbFinal[p.Id]);
        Assert.All(reels, r => Assert.True(r.Final.Metrics!["reach"] > 2 * bestApprenticeshipPost, $"{r.m.Id} reaches {r.Final.Metrics!["reach"]}"));
        var bestNonGiveaway = facebook.Where(p => p.Topic != DemoTopic.Gewinnspiel).Max(p => fbFinal[p.Id]);
        Assert.Contains(reels, r => r.Final.Metrics!["reach"] > bestNonGiveaway);

        // Feed images and a carousel, two stories; stories take no saved and no likes.
        Assert.Contains(media, x => x.Final is { ProductType: InstagramMetrics.Feed, MediaType: "IMAGE" });
        Assert.Contains(media, x => x.Final is { ProductType: InstagramMetrics.Feed, MediaType: "CAROUSEL_ALBUM" });
        var stories = media.Where(x => x.Final.ProductType == InstagramMetrics.Story).ToList();
        Assert.Equal(2, stories.Count);
        Assert.All(stories, x => Assert.True(x.Final.Likes is null && !x.Final.Metrics!.ContainsKey("saved")));
    }

    [Fact]
    public void Instagram_stories_vanish_after_24_hours_and_counters_and_followers_never_fall()
    {
        var page = Page();
        var story = page.Instagram.Media.First(m => m.IsStory);
        Assert.Contains(page.Observe(story.Timestamp.AddHours(23), 7, null, []).Instagram!.Media, m => m.Id == story.Id);
        Assert.DoesNotContain(page.Observe(story.Timestamp.AddHours(25), 7, null, []).Instagram!.Media, m => m.Id == story.Id);
        Assert.Null(page.Observe(story.Timestamp.AddHours(23), 7).Instagram);

        var previous = new Dictionary<string, InstagramMediaObservation>(StringComparer.Ordinal);
        long followers = 0;
        for (var at = StartOfDay(page, -1); at <= StartOfDay(page, 35); at = at.AddHours(1))
        {
            var account = page.Observe(at, 7, null, []).Instagram!;
            Assert.True(account.Followers >= followers, $"followers fell at {at:O}");
            followers = account.Followers!.Value;
            foreach (var media in account.Media)
            {
                Assert.True(media.Timestamp <= at);
                if (previous.TryGetValue(media.Id, out var before))
                {
                    Assert.All(media.Metrics!, m => Assert.True(m.Value >= before.Metrics![m.Key], $"{media.Id} {m.Key} fell at {at:O}"));
                }

                previous[media.Id] = media;
            }
        }

        Assert.InRange(followers, DemoInstagramScript.StartFollowers + 200, 3_000);
        Assert.Equal(page.Instagram.Media.Count, previous.Count);
    }

    [Fact]
    public void Instagram_account_insights_come_for_the_Meta_days_asked_with_Graph_metric_names()
    {
        var page = Page();
        var days = new[] { page.FirstDay.AddDays(17), page.FirstDay.AddDays(18) };
        var insights = page.Observe(StartOfDay(page, 20), 7, null, days).Instagram!.Insights;

        Assert.Equal(2 * InstagramMetrics.DefaultAccountMetrics.Count, insights.Count);
        Assert.Equal(InstagramMetrics.DefaultAccountMetrics.Order(), insights.Select(i => i.Metric).Distinct().Order());
        Assert.All(insights, i => Assert.Contains(MetaCalendar.DateOfEndTime(i.EndTime), days));
        long Value(DateOnly day, string metric) => insights.Single(i => i.Metric == metric && MetaCalendar.DateOfEndTime(i.EndTime) == day).Value;

        // The viral Reel's day reaches more people than the day before; the day's values stay as they were.
        Assert.True(Value(days[1], "reach") > 2 * Value(days[0], "reach"));
        Assert.Equal(insights, page.Observe(StartOfDay(page, 26), 7, null, days).Instagram!.Insights);
    }

    [Fact]
    public void A_negative_lookback_is_refused()
    {
        var page = Page();

        Assert.Throws<ArgumentOutOfRangeException>(() => page.Observe(StartOfDay(page, 5), -1));
    }
}
