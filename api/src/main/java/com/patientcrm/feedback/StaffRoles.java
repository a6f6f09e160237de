package com.patientcrm.feedback;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/** What the staff member's token says they are (roles become {@code ROLE_<name>} authorities). */
final class StaffRoles {

    private StaffRoles() {
    }

    static boolean has(Authentication auth, String role) {
        String authority = "ROLE_" + role;
        for (GrantedAuthority granted : auth.getAuthorities()) {
            if (authority.equals(granted.getAuthority())) {
                return true;
            }
        }
        return false;
    }
}
