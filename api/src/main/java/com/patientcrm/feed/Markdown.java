package com.patientcrm.feed;

import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.PolicyFactory;
import org.owasp.html.Sanitizers;
import org.springframework.stereotype.Component;

/**
 * Markdown in, safe HTML out. CommonMark renders (raw HTML in the Markdown passes through it, and link URLs with an
 * unsafe scheme are emptied), then an allow-list keeps only formatting, blocks, tables, http(s)/mailto links and
 * https images: no script, no event handler, no {@code javascript:} URL survives whatever the editor wrote, since
 * the apps show the HTML in a web view.
 */
@Component
class Markdown {

    private static final PolicyFactory POLICY = Sanitizers.FORMATTING.and(Sanitizers.BLOCKS).and(Sanitizers.TABLES)
            .and(Sanitizers.LINKS)
            .and(new HtmlPolicyBuilder().allowElements("pre", "code", "hr", "img")
                    .allowUrlProtocols("https")
                    .allowAttributes("src", "alt", "title").onElements("img")
                    .toFactory());

    private final Parser parser = Parser.builder().build();
    private final HtmlRenderer renderer = HtmlRenderer.builder().sanitizeUrls(true).build();

    String toSafeHtml(String markdown) {
        return POLICY.sanitize(renderer.render(parser.parse(markdown)));
    }
}
