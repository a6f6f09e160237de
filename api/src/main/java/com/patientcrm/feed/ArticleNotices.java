package com.patientcrm.feed;

import com.patientcrm.notifications.Category;
import com.patientcrm.notifications.Notice;
import com.patientcrm.notifications.NoticeSource;
import com.patientcrm.notifications.OutboxEntry;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * A campaign's push, composed when it is sent: nothing if the article was unpublished meanwhile. The wording names the
 * article's title in the inbox; a push through FCM carries only the category's generic text.
 */
@Component
class ArticleNotices implements NoticeSource {

    private final ArticleStore articles;

    ArticleNotices(ArticleStore articles) {
        this.articles = articles;
    }

    @Override
    public Set<String> topics() {
        return Set.of(Campaigns.TOPIC);
    }

    @Override
    public Mono<Notice> compose(OutboxEntry entry) {
        Category category = Category.parse(entry.text("category")).orElse(Category.HEALTH_EDUCATION);
        UUID article = UUID.fromString(entry.text("articleId"));
        return articles.publishedTitle(article)
                .map(title -> new Notice(category, "article_push", Map.of("title", title),
                        "pages/article/detail?id=" + article, null));
    }
}
