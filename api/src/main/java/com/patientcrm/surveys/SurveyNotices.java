package com.patientcrm.surveys;

import com.patientcrm.notifications.Category;
import com.patientcrm.notifications.Notice;
import com.patientcrm.notifications.NoticeSource;
import com.patientcrm.notifications.OutboxEntry;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** The invitation's notice, composed when it is due: nothing once the survey is submitted or the invitation expired. */
@Component
class SurveyNotices implements NoticeSource {

    private final InvitationStore invitations;

    SurveyNotices(InvitationStore invitations) {
        this.invitations = invitations;
    }

    @Override
    public Set<String> topics() {
        return Set.of(SurveyTrigger.INVITATION);
    }

    @Override
    public Optional<Category> category(String topic) {
        return Optional.of(Category.SURVEY);
    }

    @Override
    public Mono<Notice> compose(OutboxEntry entry) {
        return invitations.find(UUID.fromString(entry.text("invitationId")))
                .filter(invitation -> invitation.submittedAt() == null && !invitation.expired()
                        && invitation.patientId() != null)
                .map(invitation -> new Notice(Category.SURVEY, "survey_invitation",
                        Map.of("title", invitation.title(),
                                "departmentName", invitation.departmentName() == null ? "" : invitation.departmentName()),
                        "pages/survey/answer?id=" + invitation.id(), invitation.expiresAt().toInstant()));
    }
}
